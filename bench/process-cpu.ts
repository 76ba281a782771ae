// CPU time of local processes from /proc (Linux), for the send benchmark's per-email budget:
// where a 2-core machine's CPU goes when one worker, Postgres, Redis and the SMTP server share it.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process and of its threads, in ms; 0 when it is gone or /proc is missing. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Read and write system calls of a process so far (/proc/pid/io); undefined when unreadable. */
export function syscallsOf(pid: number): { reads: number; writes: number } | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1]);
    return { reads: field('syscr'), writes: field('syscw') };
  } catch {
    return undefined;
  }
}

/** Processes whose command name is `name` (e.g. "postgres", "redis-server"). */
export function pidsNamed(name: string, keep: (cmdline: string) => boolean = () => true): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== name) return false;
          return keep(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/**
 * Postgres processes that work for `database`: its sessions (the title names the database)
 * and the server's own (WAL writer, checkpointer, autovacuum…), not other databases' sessions,
 * which other programs on a shared server open and close at any time.
 */
export function postgresPidsFor(database: string): number[] {
  return pidsNamed('postgres', (title) => {
    const session = /^postgres: \S+: \S+ (\S+) (\S+\(\d+\)|\[local\])/.exec(title);
    return !session || session[1] === database;
  });
}

/**
 * A snapshot of the CPU ms of named groups of processes; `since` gives what each group used
 * from then. Groups are listed again at `since`: a process that started meanwhile counts in
 * full, one that ended meanwhile is not counted (its time is unknown), so no group goes negative.
 */
export function cpuSnapshot(groups: Record<string, () => number[]>): { since(): Record<string, number> } {
  const at = new Map<number, number>();
  for (const list of Object.values(groups)) for (const pid of list()) at.set(pid, cpuMsOf(pid));
  return {
    since: () =>
      Object.fromEntries(
        Object.entries(groups).map(([k, list]) => [
          k,
          list().reduce((s, pid) => s + Math.max(0, cpuMsOf(pid) - (at.get(pid) ?? 0)), 0),
        ]),
      ),
  };
}
