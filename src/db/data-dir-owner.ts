// Who owns an embedded data dir. PGlite allows one process per directory: the process that opens
// it writes <dataDir>/owner.json (pid, start time, the loopback address of its database; mode
// 0600) and every other command connects to that address instead of opening a second copy.
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface OwnerRecord {
  pid: number;
  /** Start time of the process as the kernel counts it (/proc/<pid>/stat), to tell a reused pid apart. */
  procStart: string | null;
  /** When the lock was taken. */
  startedAt: string;
  /** The command holding it, e.g. `start` or `import`. */
  command: string;
  /** `host:port` of the owner's database socket, once it is open. */
  address?: string;
}

/** A second owner of a data dir whose owner lives: one line naming it, for main.ts to print. */
export class DataDirInUseError extends Error {
  constructor(
    dataDir: string,
    readonly owner: OwnerRecord,
  ) {
    super(
      `the data dir ${displayPath(dataDir)} is in use by aftercart ${owner.command} (pid ${owner.pid}); stop it first, or give this command another AFTERCART_DATA_DIR`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface OwnerLock {
  record: OwnerRecord;
  /** Records the database's address so that other commands can reach it (undefined: no longer). */
  publish(address: string | undefined): Promise<void>;
  /** Removes the lock (only while it is still this process's). */
  release(): Promise<void>;
}

export const ownerFile = (dataDir: string) => path.join(dataDir, 'owner.json');

/**
 * Takes the data dir for this process, or answers the living owner's record. A lock whose
 * process is gone (or whose pid now belongs to another process) is taken over.
 */
export async function claimDataDir(
  dataDir: string,
  command: string,
): Promise<{ lock: OwnerLock } | { owner: OwnerRecord }> {
  const file = ownerFile(dataDir);
  const record: OwnerRecord = {
    pid: process.pid,
    procStart: procStartOf(process.pid),
    startedAt: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusive(file, record)) return { lock: ownerLock(file, record) };
    const current = await readOwner(dataDir);
    if (current && isAlive(current)) return { owner: current };
    await removeStale(file, current);
  }
  throw new Error(`could not take ${file}: it keeps changing`);
}

/** The record in the data dir, or undefined when there is none (or it cannot be read as one). */
export async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    return parseRecord(await readFile(ownerFile(dataDir), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Is the process that wrote the record still running (and the same process, not a reused pid)? */
export function isAlive(record: OwnerRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, another user's
  }
  const now = procStartOf(record.pid);
  return !(now && record.procStart && now !== record.procStart);
}

/** Linux: field 22 of /proc/<pid>/stat, the process's start in clock ticks since boot. */
export function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function parseRecord(text: string): OwnerRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<OwnerRecord>;
    if (!Number.isInteger(r.pid) || typeof r.startedAt !== 'string') return undefined;
    return {
      pid: r.pid!,
      procStart: r.procStart ?? null,
      startedAt: r.startedAt,
      command: String(r.command ?? 'aftercart'),
      address: r.address,
    };
  } catch {
    return undefined;
  }
}

/** Written whole to a temporary file, then linked into place: the lock never exists half-written. */
async function createExclusive(file: string, record: OwnerRecord): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, JSON.stringify(record) + '\n', { mode: 0o600 });
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/**
 * Removes a stale lock under a guard file, re-reading it first: two processes that both saw the
 * same stale lock must not remove each other's fresh one. Exported for its tests.
 */
export async function removeStale(file: string, seen: OwnerRecord | undefined): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(await readFile(guard, 'utf8').catch(() => ''));
    if (holder && !isAlive({ pid: holder, procStart: null, startedAt: '', command: '' }))
      await unlink(guard).catch(() => {});
    else await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    const now = await readOwner(path.dirname(file));
    const same = now?.pid === seen?.pid && now?.startedAt === seen?.startedAt;
    if (same && !(now && isAlive(now))) await unlink(file).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** Locks held by this process, removed if it exits without closing (an uncaught error). */
const held = new Map<string, OwnerRecord>();
process.on('exit', () => {
  for (const [file, record] of held) {
    try {
      if (existsSync(file) && isRecord(readFileSync(file, 'utf8'), record)) unlinkSync(file);
    } catch {
      // nothing more to do while exiting
    }
  }
});

const isRecord = (text: string, record: OwnerRecord) => {
  const r = parseRecord(text);
  return r?.pid === record.pid && r.startedAt === record.startedAt;
};

function ownerLock(file: string, record: OwnerRecord): OwnerLock {
  held.set(file, record);
  return {
    record,
    async publish(address) {
      record.address = address;
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(tmp, JSON.stringify(record) + '\n', { mode: 0o600 });
      await rename(tmp, file); // atomic replace: readers see the old record or the new one
    },
    async release() {
      if (held.get(file) === record) held.delete(file);
      const text = await readFile(file, 'utf8').catch(() => '');
      if (isRecord(text, record)) await unlink(file).catch(() => {});
    },
  };
}

/** `./.aftercart` for a dir under the working directory, else the absolute path. */
function displayPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `.${path.sep}${rel}` : dir;
}
