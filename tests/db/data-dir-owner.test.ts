// The lock that makes one process the owner of an embedded data dir: taken atomically, readable
// only by the user, refused while its owner lives, taken over when the owner is gone or its pid
// now belongs to another process, and given back on release.
import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  claimDataDir,
  DataDirInUseError,
  ownerFile,
  procStartOf,
  readOwner,
  removeStale,
  type OwnerRecord,
} from '../../src/db/data-dir-owner.js';
import { openDatabase, reserveDatabase } from '../../src/db/database.js';
import { tempDir } from '../support/services.js';

/** A pid that existed and has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

const lockOf = async (dir: string) => JSON.parse(await readFile(ownerFile(dir), 'utf8')) as OwnerRecord;

describe('the owner lock of a data dir', () => {
  it('is written whole, mode 0600, with pid, start time and command; a second claim gets the living owner', async () => {
    const dir = await tempDir();
    const first = await claimDataDir(dir, 'start');
    expect('lock' in first).toBe(true);
    expect((await stat(ownerFile(dir))).mode & 0o777).toBe(0o600);
    expect(await lockOf(dir)).toMatchObject({
      pid: process.pid,
      command: 'start',
      procStart: procStartOf(process.pid),
    });

    const second = await claimDataDir(dir, 'serve');
    expect(second).toEqual({ owner: expect.objectContaining({ pid: process.pid, command: 'start' }) });

    if ('lock' in first) {
      await first.lock.publish('127.0.0.1:5999');
      expect((await readOwner(dir))?.address).toBe('127.0.0.1:5999');
      expect((await stat(ownerFile(dir))).mode & 0o777).toBe(0o600);
      await first.lock.release();
    }
    expect(await readOwner(dir)).toBeUndefined();
  });

  it('a lock left by a dead process is taken over', async () => {
    const dir = await tempDir();
    await writeFile(
      ownerFile(dir),
      JSON.stringify({
        pid: deadPid(),
        procStart: null,
        startedAt: '2020-01-01T00:00:00Z',
        command: 'start',
        address: '127.0.0.1:1',
      }),
    );
    const claim = await claimDataDir(dir, 'start');
    expect('lock' in claim).toBe(true);
    expect(await lockOf(dir)).toMatchObject({ pid: process.pid });
    expect((await lockOf(dir)).address).toBeUndefined();
  });

  it.skipIf(procStartOf(process.pid) === null)(
    'a lock whose pid now belongs to another process (other start time) is taken over',
    async () => {
      const dir = await tempDir();
      await writeFile(
        ownerFile(dir),
        JSON.stringify({ pid: process.pid, procStart: '1', startedAt: '2020-01-01T00:00:00Z', command: 'start' }),
      );
      const claim = await claimDataDir(dir, 'work');
      expect('lock' in claim).toBe(true);
      expect(await lockOf(dir)).toMatchObject({ command: 'work', procStart: procStartOf(process.pid) });
    },
  );

  it('many claims racing over one stale lock: exactly one owner', async () => {
    const dir = await tempDir();
    await writeFile(
      ownerFile(dir),
      JSON.stringify({ pid: deadPid(), procStart: null, startedAt: '2020-01-01T00:00:00Z', command: 'start' }),
    );
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => claimDataDir(dir, `c${i}`)));
    const owners = claims.filter((c) => 'lock' in c);
    expect(owners).toHaveLength(1);
    const winner = (owners[0] as { lock: { record: OwnerRecord } }).lock.record;
    expect(await lockOf(dir)).toMatchObject({ command: winner.command, startedAt: winner.startedAt });
  });

  it('a process that saw the stale lock before another took it over does not remove the new one', async () => {
    const dir = await tempDir();
    const stale: OwnerRecord = { pid: deadPid(), procStart: null, startedAt: '2020-01-01T00:00:00Z', command: 'start' };
    await writeFile(ownerFile(dir), JSON.stringify(stale));
    const winner = await claimDataDir(dir, 'start');
    expect('lock' in winner).toBe(true);
    await removeStale(ownerFile(dir), stale); // the slower process, acting on what it read before
    expect(await readOwner(dir)).toMatchObject({ pid: process.pid, command: 'start' });
  });

  it('a takeover guard held by a living process is respected; one left by a dead process is cleared', async () => {
    const dir = await tempDir();
    const stale: OwnerRecord = { pid: deadPid(), procStart: null, startedAt: '2020-01-01T00:00:00Z', command: 'start' };
    await writeFile(ownerFile(dir), JSON.stringify(stale));
    await writeFile(`${ownerFile(dir)}.takeover`, String(process.pid));
    await removeStale(ownerFile(dir), stale);
    expect(await readOwner(dir)).toMatchObject({ startedAt: stale.startedAt });
    await writeFile(`${ownerFile(dir)}.takeover`, String(deadPid()));
    expect('lock' in (await claimDataDir(dir, 'work'))).toBe(true);
    expect(await readOwner(dir)).toMatchObject({ pid: process.pid, command: 'work' });
  });

  it('release leaves a lock that is no longer ours alone', async () => {
    const dir = await tempDir();
    const claim = await claimDataDir(dir, 'explain');
    if (!('lock' in claim)) throw new Error('expected to own the dir');
    const other = { pid: process.pid, procStart: null, startedAt: '2031-01-01T00:00:00Z', command: 'start' };
    await writeFile(ownerFile(dir), JSON.stringify(other));
    await claim.lock.release();
    expect(await readOwner(dir)).toMatchObject({ startedAt: other.startedAt });
  });

  it('a long-running process refuses a data dir whose owner lives, naming it in one line', async () => {
    const dir = await tempDir();
    const claim = await claimDataDir(dir, 'start');
    if (!('lock' in claim)) throw new Error('expected to own the dir');
    const refusal = reserveDatabase({ dataDir: dir, role: 'own', command: 'serve' });
    await expect(refusal).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(refusal).rejects.toThrow(
      new RegExp(`^the data dir \\S+ is in use by aftercart start \\(pid ${process.pid}\\); stop it first[^\\n]*$`),
    );
    await claim.lock.release();
  });

  it('a command that owns the dir for itself shares it with a command that joined it, and serves it until that one finishes', async () => {
    const dir = await tempDir();
    const first = await openDatabase({ dataDir: dir, command: 'import' });
    expect(first.pglite).toBeDefined(); // no owner lived: it opened the database itself
    const joined = await openDatabase({ dataDir: dir, command: 'explain' });
    expect(joined.pglite).toBeUndefined(); // the owner lives: it connects to the owner's socket
    expect(joined.url).toBe(`postgres://postgres@${(await readOwner(dir))!.address}/postgres`);
    await first.pool.query('CREATE TABLE shared (n int)');
    await joined.pool.query('INSERT INTO shared VALUES (1)');
    expect((await first.pool.query('SELECT count(*)::int AS n FROM shared')).rows).toEqual([{ n: 1 }]);

    // Parameterised queries and write transactions at once from both pools share the one PGlite
    // session: each gets its own answer (pglite-socket alone lets another connection's messages
    // in between a Parse and its Bind/Execute: "portal does not exist", or another query's rows).
    const ask = (pool: typeof first.pool, i: number) =>
      pool
        .query<{ n: number; t: string; k: number }>(`SELECT $1::int AS n, $2::text AS t, ${i} AS k`, [i, `q${i}`])
        .then((r) => r.rows[0]);
    const inTransaction = async (pool: typeof first.pool, i: number) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('INSERT INTO shared VALUES ($1)', [100 + i]);
        const row = await ask(c as unknown as typeof pool, i);
        await c.query('COMMIT');
        return row;
      } finally {
        c.release();
      }
    };
    const asked = Array.from({ length: 90 }, (_, i) => i);
    const answers = await Promise.all(
      asked.map((i) => (i % 3 === 0 ? inTransaction : ask)(i % 2 ? joined.pool : first.pool, i)),
    );
    expect(answers).toEqual(asked.map((i) => ({ n: i, t: `q${i}`, k: i })));
    await first.pool.query('DELETE FROM shared WHERE n >= 100');
    // A transaction on one connection is not broken into by the others.
    const tx = await joined.pool.connect();
    await tx.query('BEGIN');
    await tx.query('INSERT INTO shared VALUES ($1)', [2]);
    const outside = first.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM shared');
    await tx.query('ROLLBACK');
    tx.release();
    expect((await outside).rows).toEqual([{ n: 1 }]);

    let closed = false;
    const closing = first.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(false);
    expect((await readOwner(dir))?.address).toBeUndefined(); // no new command joins a closing owner
    expect((await joined.pool.query('SELECT count(*)::int AS n FROM shared')).rows).toEqual([{ n: 1 }]);
    await joined.close();
    await closing;
    expect(await readOwner(dir)).toBeUndefined();
  }, 60_000);
});
