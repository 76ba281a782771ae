// Online Retail timestamps are UK wall-clock time ("2011-06-01 08:26"). We convert them to the
// real instant with the UK/EU summer-time rule (BST from 01:00 UTC on the last Sunday of March
// to 01:00 UTC on the last Sunday of October, in force since 1996) — no tz database needed,
// and it is exact for the whole file. Wall times in the autumn repeated hour map to BST.

const cache = new Map<number, [number, number]>();

/** [BST start, BST end) as UTC epoch ms for a year. */
function summerTime(year: number): [number, number] {
  let span = cache.get(year);
  if (!span) {
    span = [Date.UTC(year, 2, lastSunday(year, 2), 1), Date.UTC(year, 9, lastSunday(year, 9), 1)];
    cache.set(year, span);
  }
  return span;
}

function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** Parses `YYYY-MM-DD HH:MM[:SS]` (also `T`-separated or `M/D/YYYY H:MM`) as UK local time. */
export function parseUkTime(text: string): Date | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  let y: number, mo: number, d: number, h: number, mi: number, s: number;
  if (m) {
    [y, mo, d, h, mi, s] = [+m[1], +m[2], +m[3], +m[4], +m[5], m[6] ? +m[6] : 0];
  } else {
    // The UCI original ships as `12/1/2010 8:26` (month first).
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
    if (!m) return undefined;
    [mo, d, y, h, mi, s] = [+m[1], +m[2], +m[3], +m[4], +m[5], m[6] ? +m[6] : 0];
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const [start, end] = summerTime(y);
  // As UTC, a BST wall time is one hour ahead; test the instant the wall time would be in BST.
  const asBst = wall - 3_600_000;
  return new Date(asBst >= start && asBst < end ? asBst : wall);
}
