// What a newcomer does first, on a machine with nothing configured: `npm start` answers
// /healthz quickly, stops cleanly on SIGTERM, and `aftercart demo` leaves emails in the outbox.
import { spawn, execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/services.js';
import { claimDataDir } from '../../src/db/data-dir-owner.js';
import { freePort } from '../support/processes.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = path.join(root, 'bin/aftercart.mjs');

/** Only the variables a fresh machine has: no database, Redis, SMTP or secrets. */
function bareEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR'];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    AFTERCART_DATA_DIR: dataDir,
    ...extra,
  };
}

describe('on a machine with nothing configured', () => {
  it('npm start answers /healthz within 10 s and shuts down cleanly on SIGTERM', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const started = Date.now();
    const child = spawn('node', [bin, 'start'], {
      cwd: root,
      env: bareEnv(dataDir, { PORT: String(port), LOG_LEVEL: 'warn' }),
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      let healthy = false;
      while (!healthy && Date.now() - started < 10_000) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!healthy) await new Promise((r) => setTimeout(r, 100));
      }
      expect(healthy, stderr).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
      // Readiness follows once the embedded database and queue are open.
      let ready = false;
      for (let i = 0; i < 300 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready, stderr).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
  }, 60_000);

  it('aftercart demo leaves .eml files in the outbox of its own data dir, <data dir>/demo, beside a running owner of the data dir', async () => {
    const dataDir = await tempDir();
    // As if `npm start` ran in another terminal: the data dir has a living owner (this process).
    const owner = await claimDataDir(dataDir, 'start');
    expect('lock' in owner).toBe(true);
    // Run from outside the project, as a service with its own working directory would be.
    const { stdout } = await promisify(execFile)('node', [bin, 'demo'], {
      cwd: await tempDir(),
      env: bareEnv(dataDir),
      timeout: 90_000,
    }).finally(() => 'lock' in owner && owner.lock.release());
    const outbox = path.join(dataDir, 'demo', 'outbox');
    expect(stdout).toContain(`emails written to ${outbox}`);
    expect(stdout).toMatch(/order D-1003: skipped \(no_consent\)/);
    const files = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);
    const emails = await Promise.all(files.map((f) => readFile(path.join(outbox, f), 'utf8')));
    expect(emails.some((e) => e.includes('HDMI 2.1 Cable'))).toBe(true);
    expect(emails.some((e) => e.includes('Headset Stand'))).toBe(true);
    for (const e of emails) expect(e).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  }, 120_000);
});
