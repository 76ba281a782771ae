// Quiet hours: a due time that falls inside the customer's local night moves to the window's end.
// Computed with wall-clock arithmetic in the zone so daylight-saving nights come out right.
import { DateTime, IANAZone } from 'luxon';
import type { QuietHours } from './types.js';

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

/**
 * Moves `at` out of quiet hours in `timezone` (an IANA zone; throws RangeError otherwise).
 * start === end is an empty window: a 24-hour quiet window would mean never sending.
 */
export function applyQuietHours(at: Date, quiet: QuietHours, timezone: string): { at: Date; moved: boolean } {
  if (quiet === false) return { at: new Date(at.getTime()), moved: false };
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`not an IANA time zone: ${timezone}`);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  let t = at.getTime();
  if (start === end || Number.isNaN(t)) return { at: new Date(t), moved: false };
  let moved = false;
  // Landing past a DST jump can, in odd windows, land inside again; a second pass settles it.
  for (let pass = 0; pass < 3; pass++) {
    const local = DateTime.fromMillis(t, { zone });
    const minute = local.hour * 60 + local.minute;
    if (!inside(minute, start, end)) break;
    // Before `end` on the clock: it ends today; otherwise (evening side of a wrap): tomorrow.
    const day = local.day + (minute < end ? 0 : 1);
    const target = Date.UTC(local.year, local.month - 1, day, Math.floor(end / 60), end % 60);
    t = firstAtOrAfterWall(zone, target, t);
    moved = true;
  }
  return { at: new Date(t), moved };
}
