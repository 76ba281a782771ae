// `explain` in words: each kind of decision as a sentence with the figures and limits behind it.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { describeDecision } from '../../src/explain/describe.js';
import type { Explanation } from '../../src/explain/explain-order.js';

const config = configSchema.parse({
  timing: {
    rules: [
      { when: { productType: ['Console'] }, after: 'order', delay: '2h', name: 'consoles' },
      { when: { productType: ['Printer'] }, after: 'fulfilled', delay: '3d', name: 'Printer' },
    ],
  },
});

const base: Explanation = {
  store: 'demo',
  orderId: '1001',
  status: 'scheduled',
  reason: null,
  dueAt: null,
  rule: null,
  trigger: null,
  timezone: null,
  adjustments: [],
  timing: {},
  untypedProducts: [],
  items: [],
  figures: {},
  sentAt: null,
  messageId: null,
  servedBy: null,
  attempts: 0,
  lastReply: null,
};
const of = (over: Partial<Explanation>): Explanation => ({ ...base, ...over });

describe('describeDecision', () => {
  it('a high return rate, with the rate, the limit, the orders and the window', () => {
    const e = of({
      status: 'skipped',
      reason: 'high_return_rate',
      figures: { returnRate: 0.75, orders: 4, unitsBought: 8, unitsReturned: 6 },
    });
    expect(describeDecision(e, config)).toBe('Skipped: returned 75% of units (limit 30%) over 4 orders in 365 days');
  });

  it('waiting for a trigger names the rule, its number and its delay', () => {
    const e = of({
      status: 'waiting',
      trigger: 'fulfilled',
      rule: { index: 1, name: 'Printer' },
      timing: { delayMs: 3 * 86_400_000, trigger: 'fulfilled' },
    });
    expect(describeDecision(e, config)).toBe('Waits for fulfilment (rule 2: Printer, after fulfilment + 3d)');
  });

  it('a quiet-hours move shows both times in the customer zone', () => {
    const e = of({
      status: 'scheduled',
      dueAt: '2026-11-21T13:00:00.000Z',
      timezone: 'America/New_York',
      trigger: 'order',
      rule: { index: 0, name: 'consoles', matchedLine: 'P1' },
      timing: { delayMs: 7_200_000 },
      adjustments: [
        { kind: 'quiet_hours', from: '2026-11-20T22:30:00.000-05:00', to: '2026-11-21T08:00:00.000-05:00' },
      ],
    });
    expect(describeDecision(e, config)).toBe(
      'Due Sat 21 Nov 2026 08:00 America/New_York (rule 1: consoles (product P1), after the order + 2h); ' +
        'moved out of quiet hours from Fri 20 Nov 2026 22:30 America/New_York to Sat 21 Nov 2026 08:00 America/New_York',
    );
  });

  it('a quiet-hours move spread after the window says how far into the spread it leaves', () => {
    const e = of({
      status: 'scheduled',
      dueAt: '2026-11-21T13:30:00.000Z',
      timezone: 'America/New_York',
      trigger: 'order',
      rule: { index: 0, name: 'consoles', matchedLine: 'P1' },
      timing: { delayMs: 7_200_000 },
      adjustments: [
        {
          kind: 'quiet_hours',
          from: '2026-11-21T02:30:00.000-05:00',
          to: '2026-11-21T08:30:00.000-05:00',
          end: '2026-11-21T08:00:00.000-05:00',
          offsetMs: 1_800_000,
          spreadMs: 3_600_000,
        },
      ],
    });
    expect(describeDecision(e, config)).toBe(
      'Due Sat 21 Nov 2026 08:30 America/New_York (rule 1: consoles (product P1), after the order + 2h); ' +
        'moved out of quiet hours from Sat 21 Nov 2026 02:30 America/New_York to Sat 21 Nov 2026 08:30 America/New_York ' +
        '(30 min after they end: held sends are spread over 1h)',
    );
  });

  it('service load, open tickets and the frequency cap with their limits', () => {
    expect(
      describeDecision(
        of({ status: 'skipped', reason: 'high_service_load', figures: { ticketsPerOrder: 2.5, serviceOrders: 2 } }),
        config,
      ),
    ).toBe('Skipped: 2.50 support tickets per order (limit 1) over 2 orders in 180 days');
    expect(
      describeDecision(of({ status: 'skipped', reason: 'open_ticket', figures: { openTickets: 1 } }), config),
    ).toBe('Skipped: 1 support ticket(s) still open');
    expect(
      describeDecision(of({ status: 'skipped', reason: 'frequency_cap', figures: { recentEmails: 1 } }), config),
    ).toBe('Skipped: 1 cross-sell email(s) already sent in the last 14 days (limit 1)');
  });

  it('the default rule, cancellations and an interrupted send', () => {
    expect(
      describeDecision(
        of({ status: 'waiting', trigger: 'delivered', rule: { index: null }, timing: { delayMs: 0 } }),
        config,
      ),
    ).toBe('Waits for delivery (the default rule, after delivery)');
    expect(describeDecision(of({ status: 'cancelled', reason: 'order_refunded' }), config)).toBe(
      'Cancelled: the order was refunded',
    );
    expect(describeDecision(of({ status: 'failed', reason: 'interrupted' }), config)).toMatch(
      /^Failed: the send was interrupted/,
    );
  });
});
