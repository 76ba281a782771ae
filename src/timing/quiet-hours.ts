// Quiet hours: a due time that falls inside the customer's local night moves past the window's end,
// spread over `spread` so a night's sends do not all leave at 08:00. Computed with wall-clock
// arithmetic in the zone so daylight-saving nights come out right.
import { DateTime, IANAZone } from 'luxon';

const MINUTE = 60_000;

const minutesOf = (clock: string): number => {
  const [h, m] = clock.split(':').map(Number);
  return h! * 60 + m!;
};

/** [start, end) in local minutes of the day; wraps past midnight when start > end. */
function inside(minute: number, start: number, end: number): boolean {
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Local wall-clock time as if it were UTC, in ms: the same scale as Date.UTC(y, m, d, h, min). */
const wallMs = (zone: IANAZone, ms: number): number => ms + zone.offset(ms) * MINUTE;

/**
 * The first instant ≥ notBefore whose local wall-clock time is ≥ `wall`. Usually `wall` itself;
 * when `wall` falls in a spring-forward gap it doesn't exist and the answer is the instant the
 * clocks jump; when it occurs twice (fall back) it is the first occurrence not before notBefore.
 */
function firstAtOrAfterWall(zone: IANAZone, wall: number, notBefore: number): number {
  // Offsets in force around the target; a transition nearby shows up as two different values.
  const offsets = new Set([-15, 0, 15].map((h) => zone.offset(wall + h * 60 * MINUTE)));
  const exact = [...offsets]
    .map((o) => wall - o * MINUTE)
    .filter((t) => t >= notBefore && wallMs(zone, t) === wall)
    .sort((a, b) => a - b);
  if (exact.length > 0) return exact[0]!;
  // Gap: local time is increasing across it, so bisect for the first instant past `wall`.
  let lo = Math.max(notBefore, wall - Math.max(...offsets) * MINUTE);
  let hi = wall - Math.min(...offsets) * MINUTE;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(zone, mid) >= wall) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A quiet window: wall-clock start and end, and how long after the end its sends are spread (ms). */
export interface QuietWindow {
  start: string;
  end: string;
  spread?: number;
}

export interface QuietMove {
  at: Date;
  moved: boolean;
  /** When moved: the instant the window ended, and how long after it `at` is (the spread share). */
  end?: Date;
  offsetMs?: number;
}

/**
 * Moves `at` out of quiet hours in `timezone` (an IANA zone; throws RangeError otherwise) to the
 * window's end plus a share of `spread` proportional to how far into the window `at` was: the
 * release is deterministic, never earlier for a later `at`, and never inside the next window.
 * start === end is an empty window: a 24-hour quiet window would mean never sending.
 */
export function applyQuietHours(at: Date, quiet: QuietWindow | false, timezone: string): QuietMove {
  if (quiet === false) return { at: new Date(at.getTime()), moved: false };
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`not an IANA time zone: ${timezone}`);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const raw = at.getTime();
  if (start === end || Number.isNaN(raw)) return { at: new Date(raw), moved: false };
  let t = raw;
  let began: number | undefined;
  // Landing past a DST jump can, in odd windows, land inside again; a second pass settles it.
  for (let pass = 0; pass < 3; pass++) {
    const local = DateTime.fromMillis(t, { zone });
    const minute = local.hour * 60 + local.minute;
    if (!inside(minute, start, end)) break;
    // Evening side of a wrap (or a window within one day): it began today; small hours: yesterday.
    began ??= firstAtOrAfterWall(zone, wallOf(local, minute >= start ? 0 : -1, start), -Infinity);
    // Before `end` on the clock: it ends today; otherwise (evening side of a wrap): tomorrow.
    t = firstAtOrAfterWall(zone, wallOf(local, minute < end ? 0 : 1, end), t);
  }
  if (began === undefined) return { at: new Date(t), moved: false };
  const offsetMs = spreadOffset(zone, { raw, began: Math.min(began, raw), end: t }, { start, end }, quiet.spread ?? 0);
  return { at: new Date(t + offsetMs), moved: true, end: new Date(t), offsetMs };
}

/** A window's start and end in local minutes of the day. */
interface Clock {
  start: number;
  end: number;
}

/** Local wall-clock `minute` of the day `days` after `local`'s, on the Date.UTC scale. */
const wallOf = (local: DateTime, days: number, minute: number): number =>
  Date.UTC(local.year, local.month - 1, local.day + days, Math.floor(minute / 60), minute % 60);

/**
 * The share of the spread for a due time `raw` held by a window that began at `began` and ended
 * at `end`: proportional to how far into the window `raw` was, and cut to the time until quiet
 * hours start again so a long spread after a short day never lands in the next night.
 */
function spreadOffset(
  zone: IANAZone,
  w: { raw: number; began: number; end: number },
  clock: Clock,
  spread: number,
): number {
  if (spread <= 0) return 0;
  const room = nextQuietAt(zone, w.end, clock) - w.end;
  const fraction = (w.raw - w.began) / (w.end - w.began);
  return Math.floor(Math.min(Math.max(fraction, 0), 1) * Math.max(0, Math.min(spread, room - 1)));
}

/** The first instant after `from` (outside quiet hours) that is quiet again. */
function nextQuietAt(zone: IANAZone, from: number, { start, end }: Clock): number {
  const local = DateTime.fromMillis(from, { zone });
  const minute = local.hour * 60 + local.minute;
  const nextStart = firstAtOrAfterWall(zone, wallOf(local, minute < start ? 0 : 1, start), from);
  // Clocks going back can put the evening inside the window again before its start comes round.
  const offset = zone.offset(from);
  if (zone.offset(nextStart) === offset) return nextStart;
  let lo = from;
  let hi = nextStart;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === offset) lo = mid;
    else hi = mid;
  }
  const after = DateTime.fromMillis(hi, { zone });
  return inside(after.hour * 60 + after.minute, start, end) ? hi : nextStart;
}
