import { describe, expect, it } from 'vitest';
import { decideTiming, type Milestones, type Trigger } from '../../src/timing/index.js';
import { at, DAY, HOUR, line, order, timingConfig } from './support.js';

const placed = at('2024-06-03T10:00:00Z');
const paid = at('2024-06-03T10:05:00Z');
const fulfilled = at('2024-06-04T15:00:00Z');
const delivered = at('2024-06-06T12:00:00Z');
const later = at('2024-06-10T00:00:00Z');

const after = (trigger: Trigger, extra: Parameters<typeof timingConfig>[0] = {}) =>
  timingConfig({ quietHours: false, default: { after: trigger, delay: '1h' }, ...extra });

describe('triggers', () => {
  const cases: [string, Trigger, Partial<Milestones>, Date][] = [
    ['an order trigger starts the clock when the order is placed', 'order', {}, placed],
    ['a paid trigger starts the clock at payment', 'paid', { paid, fulfilled }, paid],
    [
      'a paid trigger without a payment event starts at fulfilment (stores fulfil paid orders)',
      'paid',
      { fulfilled, delivered },
      fulfilled,
    ],
    ['a paid trigger with only delivery seen starts at delivery', 'paid', { delivered }, delivered],
    ['a fulfilled trigger starts the clock at fulfilment', 'fulfilled', { paid, fulfilled, delivered }, fulfilled],
    ['a fulfilled trigger without a fulfilment event starts at delivery', 'fulfilled', { paid, delivered }, delivered],
    ['a delivered trigger starts the clock at delivery', 'delivered', { paid, fulfilled, delivered }, delivered],
  ];
  it.each(cases)('%s', (_name, trigger, milestones, expected) => {
    const d = decideTiming(order([line()], milestones), after(trigger), later);
    expect(d).toMatchObject({
      status: 'scheduled',
      trigger,
      triggerAt: expected,
      dueAt: new Date(expected.getTime() + HOUR),
    });
  });

  const waits: [string, Trigger, Partial<Milestones>][] = [
    ['a paid trigger waits until payment', 'paid', {}],
    ['a fulfilled trigger waits while the order is only paid', 'fulfilled', { paid }],
    ['a delivered trigger is not satisfied by fulfilment', 'delivered', { paid, fulfilled }],
  ];
  it.each(waits)('%s', (_name, trigger, milestones) => {
    const d = decideTiming(order([line()], milestones), after(trigger), later);
    expect(d).toEqual({
      status: 'waiting',
      trigger,
      rule: { index: null },
      timezone: 'UTC',
      expiresAt: new Date(placed.getTime() + 30 * DAY),
      delayMs: HOUR,
    });
  });
});

describe('expiry', () => {
  const expiresAt = new Date(placed.getTime() + 30 * DAY);

  it('an order whose trigger never came expires thirty days after it was placed', () => {
    const d = decideTiming(order([line()]), after('delivered'), new Date(expiresAt.getTime() + 1));
    expect(d).toEqual({ status: 'expired', reason: 'expired', trigger: 'delivered', rule: { index: null }, expiresAt });
  });

  it('at the exact expiry instant the order is still waiting', () => {
    const d = decideTiming(order([line()]), after('delivered'), expiresAt);
    expect(d.status).toBe('waiting');
  });

  it('a configured expireAfter moves the expiry', () => {
    const timing = after('delivered', { expireAfter: '7d' });
    const d = decideTiming(order([line()]), timing, new Date(placed.getTime() + 7 * DAY + 1));
    expect(d).toMatchObject({ status: 'expired', expiresAt: new Date(placed.getTime() + 7 * DAY) });
  });

  it('a trigger that did arrive is scheduled even when the decision is made after expiry', () => {
    const d = decideTiming(order([line()], { delivered }), after('delivered'), new Date(expiresAt.getTime() + DAY));
    expect(d.status).toBe('scheduled');
  });

  it('a due time already in the past is still scheduled at that time, for the sender to send at once', () => {
    const d = decideTiming(order([line()], { fulfilled }), after('fulfilled'), later);
    expect(d).toMatchObject({ status: 'scheduled', dueAt: new Date(fulfilled.getTime() + HOUR) });
  });
});
