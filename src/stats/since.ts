// `--since DATE` and `?since=`: a calendar day (UTC midnight) or a full ISO 8601 time.
export class SinceError extends Error {}

export function parseSince(value: string | undefined | null): Date | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const text = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))) : new Date(text);
  // Date.UTC rolls 2026-02-31 over into March; a typo should not silently mean another day.
  const valid = !Number.isNaN(date.getTime()) && (!day || date.toISOString().slice(0, 10) === text);
  if (!valid || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new SinceError(`invalid date "${value}": expected YYYY-MM-DD or an ISO 8601 time`);
  }
  return date;
}
