// SIGHUP re-reads aftercart.config.ts in a running `aftercart start`: a valid file takes effect
// without a restart; a bad one is logged in one line and the settings in force stay.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabase, missing, services, tempDir, uniquePrefix } from '../support/services.js';
import { aftercartBin, freePort, projectRoot } from '../support/processes.js';

const configFile = (name: string) =>
  `export default { store: { name: ${JSON.stringify(name)}, address: '1 Main St' } };\n`;

describe.skipIf(missing('postgres', 'redis'))('config reload on SIGHUP (a real process)', () => {
  it('a valid file replaces the settings; a bad file keeps them and logs one line naming the field', async () => {
    const dir = await tempDir();
    const db = await freshDatabase();
    const file = path.join(dir, 'aftercart.config.ts');
    await writeFile(file, configFile('First Name Store'));
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AFTERCART_DATA_DIR: path.join(dir, 'data'),
      AFTERCART_CONFIG: file,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      NODE_ENV: 'development',
      DATABASE_URL: db.url,
      REDIS_URL: services().redis!,
      QUEUE_PREFIX: uniquePrefix(),
    };
    const child = spawn('node', [aftercartBin, 'serve'], { cwd: projectRoot, env, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // The unsubscribe page of an unknown link names the top-level store: what the config says now.
    const page = () =>
      fetch(`http://127.0.0.1:${port}/u/not-a-token`).then(
        (r) => r.text(),
        () => '',
      );
    const eventually = async (check: () => Promise<boolean>, what: string) => {
      for (let i = 0; i < 300; i++) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${what} never happened; output:\n${out}`);
    };
    try {
      await eventually(async () => (await page()).includes('First Name Store'), 'start-up');

      await writeFile(file, configFile('Renamed Store'));
      child.kill('SIGHUP');
      await eventually(async () => (await page()).includes('Renamed Store'), 'the reload');
      expect(out).toContain('config reloaded');

      await writeFile(
        file,
        "export default { store: { name: 'Broken' }, timing: { rules: [{ when: {}, delay: '2 hours' }] } };\n",
      );
      child.kill('SIGHUP');
      await eventually(async () => out.includes('config not reloaded'), 'the refusal');
      const refusal = out.split('\n').filter((l) => l.includes('config not reloaded'));
      expect(refusal).toHaveLength(1);
      expect(refusal[0]).toMatch(/timing\.rules\[0\]\.delay: expected a duration/);
      expect(await page()).toContain('Renamed Store');
      expect(child.exitCode).toBeNull(); // still running
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
    );
    await db.drop();
    expect(code, out).toBe(0);
  }, 90_000);
});
