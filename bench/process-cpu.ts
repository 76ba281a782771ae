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

/** Processes whose command name is `name` (e.g. "postgres", "redis-server"). */
export function pidsNamed(name: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/** A snapshot of the CPU ms of named groups of processes; `since` gives the difference. */
export function cpuSnapshot(groups: Record<string, number[]>): { since(): Record<string, number> } {
  const at = Object.fromEntries(
    Object.entries(groups).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuMsOf(p), 0)]),
  );
  return {
    since: () =>
      Object.fromEntries(
        Object.entries(groups).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuMsOf(p), 0) - at[k]!]),
      ),
  };
}
