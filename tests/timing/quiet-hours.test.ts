import { describe, expect, it } from 'vitest';
import { applyQuietHours, decideTiming } from '../../src/timing/index.js';
import { at, HOUR, line, order, timingConfig } from './support.js';

const night = { start: '21:00', end: '08:00' } as const;
const lunch = { start: '12:00', end: '13:00' } as const;

type Case = [name: string, quiet: { start: string; end: string }, zone: string, from: string, to: string];

describe('quiet hours', () => {
  const cases: Case[] = [
    // Wrapping past midnight.
    ['late evening moves to 08:00 the next morning', night, 'UTC', '2024-06-03T22:30:00Z', '2024-06-04T08:00:00Z'],
    ['small hours move to 08:00 the same morning', night, 'UTC', '2024-06-04T03:00:00Z', '2024-06-04T08:00:00Z'],
    ['the window starts at its start time', night, 'UTC', '2024-06-03T21:00:00Z', '2024-06-04T08:00:00Z'],
    ['the minute before the window is left alone', night, 'UTC', '2024-06-03T20:59:59Z', '2024-06-03T20:59:59Z'],
    ['the window ends at its end time', night, 'UTC', '2024-06-04T08:00:00Z', '2024-06-04T08:00:00Z'],
    ['the last second before the end still moves', night, 'UTC', '2024-06-04T07:59:59Z', '2024-06-04T08:00:00Z'],
    ['daytime is left alone', night, 'UTC', '2024-06-04T14:00:00Z', '2024-06-04T14:00:00Z'],
    // Not wrapping.
    [
      'a lunchtime quiet window moves to its end the same day',
      lunch,
      'UTC',
      '2024-06-04T12:30:00Z',
      '2024-06-04T13:00:00Z',
    ],
    ['just before a lunchtime window is left alone', lunch, 'UTC', '2024-06-04T11:59:00Z', '2024-06-04T11:59:00Z'],
    ['the evening is outside a lunchtime window', lunch, 'UTC', '2024-06-04T22:00:00Z', '2024-06-04T22:00:00Z'],
    // Local time, not UTC.
    [
      '10pm in New York moves to 8am New York time',
      night,
      'America/New_York',
      '2024-06-04T02:00:00Z',
      '2024-06-04T12:00:00Z',
    ],
    ['1am UTC is 10am in Tokyo and is left alone', night, 'Asia/Tokyo', '2024-06-04T01:00:00Z', '2024-06-04T01:00:00Z'],
    ['10pm UTC is 7am in Tokyo and waits an hour', night, 'Asia/Tokyo', '2024-06-03T22:00:00Z', '2024-06-03T23:00:00Z'],
    [
      'a half-hour zone keeps its half hour (Kolkata 22:00 → 08:00)',
      night,
      'Asia/Kolkata',
      '2024-06-03T16:30:00Z',
      '2024-06-04T02:30:00Z',
    ],
  ];
  it.each(cases)('%s', (_name, quiet, zone, from, to) => {
    const r = applyQuietHours(at(from), quiet, zone);
    expect(r.at.toISOString()).toBe(at(to).toISOString());
    expect(r.moved).toBe(from !== to);
  });

  it('quiet hours switched off never move anything', () => {
    expect(applyQuietHours(at('2024-06-04T03:00:00Z'), false, 'UTC')).toEqual({
      at: at('2024-06-04T03:00:00Z'),
      moved: false,
    });
  });

  it('a window that starts and ends at the same time is empty', () => {
    expect(applyQuietHours(at('2024-06-04T03:00:00Z'), { start: '03:00', end: '03:00' }, 'UTC').moved).toBe(false);
  });

  it('an unknown zone is a programming error, not a silent UTC', () => {
    expect(() => applyQuietHours(at('2024-06-04T03:00:00Z'), night, 'Not/AZone')).toThrow(RangeError);
  });
});

describe('quiet hours across daylight-saving changes', () => {
  const cases: Case[] = [
    // New York springs forward 2024-03-10 02:00 EST → 03:00 EDT (07:00Z).
    [
      'NY spring-forward night: 22:00 EST ends at 08:00 EDT, not 08:00 EST',
      night,
      'America/New_York',
      '2024-03-10T03:00:00Z',
      '2024-03-10T12:00:00Z',
    ],
    [
      'NY spring-forward night: an end of 02:30 that never happens becomes the 03:00 jump',
      { start: '23:00', end: '02:30' },
      'America/New_York',
      '2024-03-10T06:00:00Z',
      '2024-03-10T07:00:00Z',
    ],
    [
      'NY spring-forward night: an end of 02:00 exactly at the gap becomes the 03:00 jump',
      { start: '23:00', end: '02:00' },
      'America/New_York',
      '2024-03-10T05:30:00Z',
      '2024-03-10T07:00:00Z',
    ],
    [
      'NY spring-forward night: a window ending after the gap is unaffected',
      { start: '01:00', end: '04:00' },
      'America/New_York',
      '2024-03-10T06:30:00Z',
      '2024-03-10T08:00:00Z',
    ],
    [
      'NY spring-forward night: a jump that lands back inside a long window is moved again',
      { start: '02:45', end: '02:30' },
      'America/New_York',
      '2024-03-10T06:00:00Z',
      '2024-03-11T06:30:00Z',
    ],
    // New York falls back 2024-11-03 02:00 EDT → 01:00 EST (06:00Z).
    [
      'NY fall-back night: 23:00 EDT ends at 08:00 EST',
      night,
      'America/New_York',
      '2024-11-03T03:00:00Z',
      '2024-11-03T13:00:00Z',
    ],
    [
      'NY fall-back night: an end of 01:30 that happens twice ends at the first 01:30',
      { start: '23:00', end: '01:30' },
      'America/New_York',
      '2024-11-03T04:30:00Z',
      '2024-11-03T05:30:00Z',
    ],
    [
      'NY fall-back night: back inside the window after the clocks go back, it ends at the second 01:30',
      { start: '23:00', end: '01:30' },
      'America/New_York',
      '2024-11-03T06:10:00Z',
      '2024-11-03T06:30:00Z',
    ],
    // Berlin springs forward 2024-03-31 02:00 CET → 03:00 CEST (01:00Z).
    [
      'Berlin spring-forward night: 23:00 CET ends at 08:00 CEST',
      night,
      'Europe/Berlin',
      '2024-03-30T22:00:00Z',
      '2024-03-31T06:00:00Z',
    ],
    [
      'Berlin spring-forward night: an end of 02:30 that never happens becomes the 03:00 jump',
      { start: '22:00', end: '02:30' },
      'Europe/Berlin',
      '2024-03-31T00:30:00Z',
      '2024-03-31T01:00:00Z',
    ],
    // Berlin falls back 2024-10-27 03:00 CEST → 02:00 CET (01:00Z).
    [
      'Berlin fall-back night: 22:00 CEST ends at 08:00 CET',
      night,
      'Europe/Berlin',
      '2024-10-26T20:00:00Z',
      '2024-10-27T07:00:00Z',
    ],
    [
      'Berlin fall-back night: an end of 02:30 that happens twice ends at the first 02:30',
      { start: '22:00', end: '02:30' },
      'Europe/Berlin',
      '2024-10-26T23:00:00Z',
      '2024-10-27T00:30:00Z',
    ],
    [
      'Berlin fall-back night: back inside after the clocks go back, it ends at the second 02:30',
      { start: '22:00', end: '02:30' },
      'Europe/Berlin',
      '2024-10-27T01:10:00Z',
      '2024-10-27T01:30:00Z',
    ],
  ];
  it.each(cases)('%s', (_name, quiet, zone, from, to) => {
    expect(applyQuietHours(at(from), quiet, zone).at.toISOString()).toBe(at(to).toISOString());
  });
});

describe('quiet hours in a decision', () => {
  // Released exactly at the end: the spread is tested on its own below.
  const timing = timingConfig({
    default: { after: 'order', delay: '12h' },
    quietHours: { ...night, spread: '0s' },
    timezone: 'America/New_York',
  });

  it('an email due at night is held until morning and the move is recorded in local time', () => {
    // Placed 11:00 EDT, +12h = 23:00 EDT → 08:00 EDT next day.
    const input = order([line()], { order: at('2024-06-03T15:00:00Z') });
    const d = decideTiming(input, timing, at('2024-06-03T15:00:00Z'));
    expect(d).toMatchObject({
      status: 'scheduled',
      dueAt: at('2024-06-04T12:00:00Z'),
      triggerAt: at('2024-06-03T15:00:00Z'),
      delayMs: 12 * HOUR,
      adjustments: [
        { kind: 'quiet_hours', from: '2024-06-03T23:00:00.000-04:00', to: '2024-06-04T08:00:00.000-04:00' },
      ],
    });
  });

  it('an email due in the day carries no adjustment', () => {
    const input = order([line()], { order: at('2024-06-03T01:00:00Z') }); // 21:00 EDT +12h = 09:00
    const d = decideTiming(input, timing, at('2024-06-03T01:00:00Z'));
    expect(d).toMatchObject({ status: 'scheduled', dueAt: at('2024-06-03T13:00:00Z'), adjustments: [] });
  });

  it('a past due time that fell in quiet hours is still moved, and kept even though it is past', () => {
    const input = order([line()], { order: at('2024-06-03T15:00:00Z') });
    const d = decideTiming(input, timing, at('2024-06-20T00:00:00Z'));
    expect(d).toMatchObject({ status: 'scheduled', dueAt: at('2024-06-04T12:00:00Z') });
  });

  it('quiet hours follow the customer, not the store', () => {
    // 23:00 New York is 05:00 in Berlin, so a Berlin customer is held until 08:00 Berlin.
    const input = order([line()], { order: at('2024-06-03T15:00:00Z') }, { customerTimezone: 'Europe/Berlin' });
    const d = decideTiming(input, timing, at('2024-06-03T15:00:00Z'));
    expect(d).toMatchObject({ status: 'scheduled', dueAt: at('2024-06-04T06:00:00Z'), timezone: 'Europe/Berlin' });
  });
});

describe('quiet hours spread after their end', () => {
  const HOUR_MS = 3_600_000;
  const spread = (quiet: { start: string; end: string }, ms: number) => ({ ...quiet, spread: ms });
  type SpreadCase = [
    name: string,
    quiet: { start: string; end: string; spread: number },
    zone: string,
    from: string,
    to: string,
  ];
  const cases: SpreadCase[] = [
    [
      'held from the window start: leaves at its end',
      spread(night, HOUR_MS),
      'UTC',
      '2024-06-03T21:00:00Z',
      '2024-06-04T08:00:00Z',
    ],
    [
      'half-way into the night: half-way into the spread',
      spread(night, HOUR_MS),
      'UTC',
      '2024-06-04T02:30:00Z',
      '2024-06-04T08:30:00Z',
    ],
    [
      '1.5 h into an 11 h night: 1.5/11 of an hour after',
      spread(night, HOUR_MS),
      'UTC',
      '2024-06-03T22:30:00Z',
      '2024-06-04T08:08:10.909Z',
    ],
    [
      'the last second of the night: just inside the spread',
      spread(night, HOUR_MS),
      'UTC',
      '2024-06-04T07:59:59Z',
      '2024-06-04T08:59:59.909Z',
    ],
    ['daytime is left alone', spread(night, HOUR_MS), 'UTC', '2024-06-04T14:00:00Z', '2024-06-04T14:00:00Z'],
    ['a spread of 0 releases at the end', spread(night, 0), 'UTC', '2024-06-04T02:30:00Z', '2024-06-04T08:00:00Z'],
    [
      'a lunchtime window spreads after 13:00',
      spread(lunch, HOUR_MS),
      'UTC',
      '2024-06-04T12:30:00Z',
      '2024-06-04T13:30:00Z',
    ],
    [
      'in the customer zone: 02:30 Kolkata, half-way, leaves 08:30 Kolkata',
      spread(night, HOUR_MS),
      'Asia/Kolkata',
      '2024-06-03T21:00:00Z',
      '2024-06-04T03:00:00Z',
    ],
    // A spread longer than the day is cut to it (13 h from 08:00 to 21:00, less a millisecond).
    [
      'a 20 h spread after an 11 h night stays in the day',
      spread(night, 20 * HOUR_MS),
      'UTC',
      '2024-06-04T02:30:00Z',
      '2024-06-04T14:29:59.999Z',
    ],
    // Real elapsed time: 21:00 EST to 08:00 EDT is 10 h, and 22:00 EST is a tenth of it.
    [
      'NY spring-forward night: a tenth of a 10 h night is 6 min',
      spread(night, HOUR_MS),
      'America/New_York',
      '2024-03-10T03:00:00Z',
      '2024-03-10T12:06:00Z',
    ],
    // 23:00–01:30 on the night New York falls back: the first 01:30 ends it, and 01:00 comes again at
    // 06:00Z, inside the window, so the spread is cut to the 30 min before that.
    [
      'NY fall-back night: never into the repeated hour that is quiet again',
      spread({ start: '23:00', end: '01:30' }, HOUR_MS),
      'America/New_York',
      '2024-11-03T04:30:00Z',
      '2024-11-03T05:47:59.999Z',
    ],
  ];
  it.each(cases)('%s', (_name, quiet, zone, from, to) => {
    const r = applyQuietHours(at(from), quiet, zone);
    expect(r.at.toISOString()).toBe(at(to).toISOString());
    if (r.moved) expect(r.at.getTime() - r.end!.getTime()).toBe(r.offsetMs);
  });

  it('later due times in one night leave in the same order, minutes apart, not all at 08:00', () => {
    const night1h = spread(night, HOUR_MS);
    const released = ['21:10', '23:40', '01:05', '03:30', '05:55', '07:50'].map((clock) =>
      applyQuietHours(at(`2024-06-0${clock < '12' ? 4 : 3}T${clock}:00Z`), night1h, 'UTC').at.getTime(),
    );
    expect([...released].sort((a, b) => a - b)).toEqual(released);
    expect(new Set(released).size).toBe(released.length);
    expect(released[released.length - 1]! - released[0]!).toBeGreaterThan(45 * 60_000);
  });

  it('a decision records the window end, the share of the spread and the spread', () => {
    const timing = timingConfig({
      default: { after: 'order', delay: '12h' },
      quietHours: night,
      timezone: 'America/New_York',
    });
    // Placed 14:30 EDT, +12h = 02:30 EDT: half-way into an 11 h night, half the default 1 h spread.
    const input = order([line()], { order: at('2024-06-03T18:30:00Z') });
    const d = decideTiming(input, timing, at('2024-06-03T18:30:00Z'));
    expect(d).toMatchObject({
      status: 'scheduled',
      dueAt: at('2024-06-04T12:30:00Z'),
      adjustments: [
        {
          kind: 'quiet_hours',
          from: '2024-06-04T02:30:00.000-04:00',
          to: '2024-06-04T08:30:00.000-04:00',
          end: '2024-06-04T08:00:00.000-04:00',
          offsetMs: 30 * 60_000,
          spreadMs: HOUR_MS,
        },
      ],
    });
  });
});
