// CPU time of local processes from /proc (Linux), for the send benchmark's per-email budget:
// where a 2-core machine's CPU goes when one worker, Postgres, Redis and the SMTP server share it.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * utime + stime of a process and of its threads, in ms (with `children`, also of its exited
 * children it reaped: Postgres's backends that ended); 0 when it is gone or /proc is missing.
 */
export function cpuMsOf(pid: number, children = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (children ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
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

/**
 * A snapshot of the CPU ms of groups of processes, each given by its pids or by its command
 * name; `since` gives the difference. A named group is listed again at the end, with the time of
 * reaped children, so backends that started or ended in between count.
 */
export function cpuSnapshot(groups: Record<string, number[] | string>): { since(): Record<string, number> } {
  const total = (members: number[] | string) =>
    typeof members === 'string'
      ? pidsNamed(members).reduce((s, p) => s + cpuMsOf(p, true), 0)
      : members.reduce((s, p) => s + cpuMsOf(p), 0);
  const at = Object.fromEntries(Object.entries(groups).map(([k, members]) => [k, total(members)]));
  return {
    since: () => Object.fromEntries(Object.entries(groups).map(([k, members]) => [k, total(members) - at[k]!])),
  };
}
