// Mistakes a user can make get one line on stderr naming the file, line, field or service, and a
// non-zero exit; --verbose (or DEBUG=1) adds the stack. Real processes, real files.
import { execFile, spawn } from 'node:child_process';
import pg from 'pg';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, missing, services, tempDir, uniquePrefix, until } from '../support/services.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = path.join(root, 'bin/aftercart.mjs');

interface Run {
  code: number;
  stderr: string;
}

async function aftercart(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const keep = Object.fromEntries(
    ['PATH', 'HOME', 'LANG', 'TMPDIR'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]),
  );
  try {
    await promisify(execFile)('node', [bin, ...args], {
      cwd,
      env: { ...keep, AFTERCART_DATA_DIR: path.join(cwd, 'data'), ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { code: e.code ?? -1, stderr: e.stderr ?? '' };
  }
}

/** The error lines (a command may print progress before failing). */
const errorLines = (r: Run) => r.stderr.split('\n').filter((l) => l.startsWith('aftercart') || l.startsWith('    at '));

describe('one line per mistake', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    await writeFile(path.join(dir, 'broken.config.ts'), 'export default {\n  timing: {\n');
    await writeFile(path.join(dir, 'mars.config.ts'), "export default { timing: { timezone: 'Mars/Base' } };\n");
    await writeFile(path.join(dir, 'not-history.csv'), 'a,b\n1,2\n');
  });

  it('a syntax error in aftercart.config.ts names the file, line and column', async () => {
    const r = await aftercart(['explain', '1'], { AFTERCART_CONFIG: 'broken.config.ts' }, dir);
    expect(r.code).not.toBe(0);
    expect(errorLines(r)).toEqual([
      expect.stringMatching(/^aftercart: invalid broken\.config\.ts: line 3, column 0: /),
    ]);
  });

  it('an unknown time zone in the config stops start-up naming the field', async () => {
    const r = await aftercart(['start'], { AFTERCART_CONFIG: 'mars.config.ts', PORT: '0' }, dir);
    expect(r.code).not.toBe(0);
    expect(errorLines(r)).toEqual([
      expect.stringMatching(/^aftercart: invalid mars\.config\.ts: timing\.timezone: expected an IANA time zone/),
    ]);
  });

  it('eval on a missing file and on a file of the wrong kind', async () => {
    const missing = await aftercart(['eval', 'nowhere.jsonl'], {}, dir);
    expect(missing.code).not.toBe(0);
    expect(errorLines(missing)).toEqual(['aftercart: no such file: nowhere.jsonl']);
    const wrong = await aftercart(['eval', 'not-history.csv'], {}, dir);
    expect(wrong.code).not.toBe(0);
    expect(errorLines(wrong)).toEqual([expect.stringMatching(/^aftercart: not-history\.csv: /)]);
  });

  it.skipIf(missing('postgres'))('a CSV with an unclosed quote names the file and the line', async () => {
    await writeFile(
      path.join(dir, 'unclosed.csv'),
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,"WHITE,6,12/1/2010 8:26,2.55,17850,United Kingdom\n',
    );
    const db = await freshDatabase();
    try {
      expect((await aftercart(['migrate'], { DATABASE_URL: db.url }, dir)).code).toBe(0);
      const r = await aftercart(['import', 'orders', 'unclosed.csv', '--store', 's1'], { DATABASE_URL: db.url }, dir);
      expect(r.code).not.toBe(0);
      expect(errorLines(r)).toEqual([
        expect.stringMatching(/^aftercart import: unclosed\.csv: not a readable CSV: .*line 2/),
      ]);
    } finally {
      await db.drop();
    }
  });

  it('a wrong database password names the setting, and --verbose adds the stack', async () => {
    const url = new URL(services().postgres ?? 'postgres://postgres:postgres@127.0.0.1:5432/aftercart_test');
    url.password = 'wrong-password';
    const r = await aftercart(['stats'], { DATABASE_URL: url.toString() }, dir);
    expect(r.code).not.toBe(0);
    expect(errorLines(r)).toEqual([
      expect.stringMatching(/^aftercart: the database refused the login: .*\(check DATABASE_URL\)$/),
    ]);
    const verbose = await aftercart(['stats', '--verbose'], { DATABASE_URL: url.toString() }, dir);
    expect(errorLines(verbose).length).toBeGreaterThan(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});

describe.skipIf(missing('postgres', 'redis'))('serve and work on an unmigrated database', () => {
  it('serve applies the pending migrations and answers /readyz 200', async () => {
    const db = await freshDatabase();
    const dir = await tempDir();
    const keep = Object.fromEntries(
      ['PATH', 'HOME', 'LANG', 'TMPDIR'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]),
    );
    const child = spawn('node', [bin, 'serve'], {
      cwd: dir,
      stdio: 'pipe',
      env: {
        ...keep,
        AFTERCART_DATA_DIR: dir,
        DATABASE_URL: db.url,
        REDIS_URL: services().redis!,
        QUEUE_PREFIX: uniquePrefix(),
        PORT: '0',
        LOG_FORMAT: 'json',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      const address = await until(async () => /"address":"(http:[^"]+)"/.exec(out)?.[1], 20_000);
      const ready = await until(
        async () =>
          (await fetch(`${address}/readyz`).then(
            (r) => r.status,
            () => 0,
          )) === 200,
        10_000,
      );
      expect(ready).toBe(true);
      const pool = new pg.Pool({ connectionString: db.url });
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM schema_migrations`);
      await pool.end();
      expect(rows[0].n).toBeGreaterThan(10);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await db.drop();
    }
  });
});
