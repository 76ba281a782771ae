// Invariants of the due time over random zones, quiet windows, trigger times and delays,
// with extra weight on the days around daylight-saving changes where bugs hide.
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decideTiming } from '../../src/timing/index.js';
import { line, order, timingConfig } from './support.js';

// DST at 02:00, at midnight (Santiago, Havana), by 30 minutes (Lord Howe), odd offsets, none.
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'UTC',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Havana',
  'America/St_Johns',
];
const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

/** Hours at which some zone's offset changes, found by scanning; the interesting instants. */
const TRANSITIONS: number[] = ZONES.flatMap((name) => {
  const zone = IANAZone.create(name);
  const found: number[] = [];
  for (let t = FROM; t < TO; t += 6 * HOUR) if (zone.offset(t) !== zone.offset(t + 6 * HOUR)) found.push(t);
  return found;
});

const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 59 })))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -36 * HOUR, max: 36 * HOUR })).map(([t, d]) => t + d),
);
const delay = fc.oneof(fc.integer({ min: 0, max: 45 * 24 * HOUR }), fc.integer({ min: 0, max: 36 * HOUR }));
const scenario = fc.record({ zone: fc.constantFrom(...ZONES), start: clock, end: clock, trigger: instant });

/** The due time; `spreadMs` 0 (the default here) releases held sends exactly at the window's end. */
function dueAt(s: { zone: string; start: string; end: string; trigger: number }, delayMs: number, spreadMs = 0): Date {
  const timing = timingConfig({
    default: { after: 'order', delay: `${delayMs}ms` },
    quietHours: { start: s.start, end: s.end, spread: `${spreadMs}ms` },
    timezone: s.zone,
  });
  const placed = new Date(s.trigger);
  const d = decideTiming(order([line()], { order: placed }), timing, placed);
  if (d.status !== 'scheduled') throw new Error(`expected scheduled, got ${d.status}`);
  return d.dueAt;
}

/** Independent check: is this instant's local wall-clock time inside [start, end)? */
function quiet(at: Date, s: { zone: string; start: string; end: string }): boolean {
  const local = DateTime.fromJSDate(at, { zone: s.zone });
  const m = local.hour * 60 + local.minute;
  const [a, b] = [s.start, s.end].map((c) => Number(c.slice(0, 2)) * 60 + Number(c.slice(3)));
  if (a === b) return false;
  return a! < b! ? m >= a! && m < b! : m >= a! || m < b!;
}

describe('due time invariants', () => {
  it('is never inside quiet hours in the resolved zone', () => {
    fc.assert(
      fc.property(scenario, delay, (s, d) => !quiet(dueAt(s, d), s)),
      { numRuns: 2000 },
    );
  });

  it('is never before the trigger time, nor before the delay has passed', () => {
    fc.assert(
      fc.property(scenario, delay, (s, d) => dueAt(s, d).getTime() >= s.trigger + d),
      { numRuns: 1000 },
    );
  });

  it('never moves earlier when the delay grows', () => {
    fc.assert(
      fc.property(scenario, delay, delay, (s, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        return dueAt(s, short).getTime() <= dueAt(s, long).getTime();
      }),
      { numRuns: 1000 },
    );
  });

  it('holds an email no longer than needed: outside quiet hours it is untouched, else a second earlier is quiet', () => {
    fc.assert(
      fc.property(scenario, delay, (s, d) => {
        const raw = new Date(s.trigger + d);
        const due = dueAt(s, d);
        return quiet(raw, s) ? quiet(new Date(due.getTime() - 1000), s) : due.getTime() === raw.getTime();
      }),
      { numRuns: 1000 },
    );
  });

  it('stays within a day and a half of when it would have been sent without quiet hours', () => {
    fc.assert(
      fc.property(scenario, delay, (s, d) => dueAt(s, d).getTime() - (s.trigger + d) <= 36 * HOUR),
      { numRuns: 500 },
    );
  });

  // The spread: up to a day and a half, so that it often exceeds the day between two nights.
  const spread = fc.oneof(fc.constantFrom(60 * 60_000, 0), fc.integer({ min: 1, max: 36 * HOUR }));

  it('with a spread, a held send leaves outside quiet hours, within [end, end + spread)', () => {
    fc.assert(
      fc.property(scenario, delay, spread, (s, d, sp) => {
        const raw = new Date(s.trigger + d);
        const due = dueAt(s, d, sp).getTime();
        if (quiet(new Date(due), s)) return false;
        if (!quiet(raw, s)) return due === raw.getTime();
        const end = dueAt(s, d).getTime();
        return due >= end && (due < end + sp || (sp === 0 && due === end));
      }),
      { numRuns: 1000 },
    );
  });

  it('with a spread, a send held later in the night never leaves before one held earlier', () => {
    fc.assert(
      fc.property(scenario, delay, delay, spread, (s, a, b, sp) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        if (!quiet(new Date(s.trigger + short), s) || !quiet(new Date(s.trigger + long), s)) return true;
        return dueAt(s, short, sp).getTime() <= dueAt(s, long, sp).getTime();
      }),
      { numRuns: 1000 },
    );
  });

  it('finds daylight-saving changes to test around', () => {
    expect(TRANSITIONS.length).toBeGreaterThan(20);
  });
});
