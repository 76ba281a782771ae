// checkEligibility is a pure verdict: every rule at and around its threshold, and which rule
// speaks first when several apply.
import { describe, expect, it } from 'vitest';
import { checkEligibility, type CustomerFigures } from '../../src/eligibility/check-eligibility.js';
import type { SkipReason } from '../../src/domain/reason-codes.js';
import { parseConfig } from '../../src/config/load.js';
import type { ConfigInput, EligibilityPolicy } from '../../src/config/schema.js';

/** A customer nothing stops: email, consent, orders without returns or tickets, no recent email. */
const good: CustomerFigures = {
  hasEmail: true,
  marketingConsent: true,
  suppression: null,
  orders: 5,
  unitsBought: 10,
  unitsReturned: 0,
  valueBought: '100.00',
  valueReturned: '0.00',
  returnRate: 0,
  serviceOrders: 5,
  ticketsOpened: 0,
  openTickets: 0,
  ticketsPerOrder: 0,
  recentEmails: 0,
};

const policyFrom = (eligibility: ConfigInput['eligibility'] = {}): EligibilityPolicy =>
  parseConfig({ eligibility }).eligibility;
const defaults = policyFrom();
const cap = { max: 1 };

function verdict(
  over: Partial<CustomerFigures>,
  policy: EligibilityPolicy = defaults,
  c = cap,
): SkipReason | 'eligible' {
  const v = checkEligibility({ ...good, ...over }, policy, c);
  return v.eligible ? 'eligible' : v.reason;
}

/** Figures with `returned` of `bought` units returned, as loadCustomerFigures computes them. */
const returns = (returned: number, bought: number, orders = 5): Partial<CustomerFigures> => ({
  orders,
  unitsBought: bought,
  unitsReturned: returned,
  returnRate: bought > 0 ? returned / bought : 0,
});
const tickets = (opened: number, serviceOrders: number, open = 0): Partial<CustomerFigures> => ({
  ticketsOpened: opened,
  serviceOrders,
  openTickets: open,
  ticketsPerOrder: serviceOrders > 0 ? opened / serviceOrders : opened,
});

describe('checkEligibility', () => {
  it('the defaults are the SPEC example policy', () => {
    expect(defaults).toMatchObject({
      requireConsent: true,
      returns: { maxRate: 0.3, minOrders: 2, lookback: 365 * 86_400_000 },
      service: { maxTicketsPerOrder: 1, lookback: 180 * 86_400_000, skipWhileOpen: true },
      globalSuppression: false,
    });
  });

  it('a customer nothing stops is eligible, and the figures travel with the verdict', () => {
    const v = checkEligibility(good, defaults, cap);
    expect(v).toEqual({ eligible: true, figures: good });
  });

  it('no email', () => {
    expect(verdict({ hasEmail: false })).toBe('no_email');
    expect(verdict({ hasEmail: false }, policyFrom({ requireConsent: false }))).toBe('no_email');
  });

  describe('suppression', () => {
    it.each([
      ['unsubscribed', 'unsubscribed'],
      ['bounced', 'suppressed'],
      ['complained', 'suppressed'],
      ['manual', 'suppressed'],
    ] as const)('%s → %s', (suppression, reason) => {
      expect(verdict({ suppression })).toBe(reason);
      // Consent does not lift a suppression, nor does a policy without a consent requirement.
      expect(verdict({ suppression, marketingConsent: true }, policyFrom({ requireConsent: false }))).toBe(reason);
    });

    it('names the suppression reason in the detail', () => {
      const v = checkEligibility({ ...good, suppression: 'bounced' }, defaults, cap);
      expect(v).toMatchObject({ eligible: false, reason: 'suppressed', detail: 'the address is suppressed (bounced)' });
    });
  });

  describe('consent', () => {
    it.each([
      [true, null, 'no_consent'],
      [true, false, 'no_consent'],
      [true, true, 'eligible'],
      [false, null, 'eligible'],
      [false, false, 'eligible'],
      [false, true, 'eligible'],
    ] as const)('requireConsent %s, consent %s → %s', (requireConsent, marketingConsent, expected) => {
      expect(verdict({ marketingConsent }, policyFrom({ requireConsent }))).toBe(expected);
    });
  });

  describe('open tickets', () => {
    it.each([
      [true, 0, 'eligible'],
      [true, 1, 'open_ticket'],
      [true, 3, 'open_ticket'],
      [false, 0, 'eligible'],
      [false, 1, 'eligible'],
      [false, 3, 'eligible'],
    ] as const)('skipWhileOpen %s with %i open → %s', (skipWhileOpen, open, expected) => {
      // One ticket per order at most, so only the open-ticket rule can speak.
      expect(verdict(tickets(open, 5, open), policyFrom({ service: { skipWhileOpen } }))).toBe(expected);
    });

    it('skipWhileOpen false still counts the open tickets as service load', () => {
      const policy = policyFrom({ service: { skipWhileOpen: false, maxTicketsPerOrder: 1 } });
      expect(verdict(tickets(3, 2, 3), policy)).toBe('high_service_load');
    });
  });

  describe('service load (maxTicketsPerOrder)', () => {
    it.each([
      [1, 0, 1, 'eligible'], // 0 per order
      [1, 1, 1, 'eligible'], // exactly at the limit
      [1, 2, 2, 'eligible'],
      [1, 3, 2, 'high_service_load'], // 1.5 > 1
      [1, 101, 100, 'high_service_load'], // 1.01 > 1
      [0.5, 1, 2, 'eligible'], // 0.5 at 0.5
      [0.5, 2, 3, 'high_service_load'], // 0.67 > 0.5
      [0, 0, 3, 'eligible'],
      [0, 1, 3, 'high_service_load'], // any ticket is too many
      [2, 4, 2, 'eligible'],
      [2, 5, 2, 'high_service_load'],
    ] as const)('max %s with %i tickets over %i orders → %s', (maxTicketsPerOrder, opened, orders, expected) => {
      expect(verdict(tickets(opened, orders), policyFrom({ service: { maxTicketsPerOrder } }))).toBe(expected);
    });

    it('tickets without any order in the window do not count as load', () => {
      expect(verdict(tickets(4, 0), policyFrom({ service: { maxTicketsPerOrder: 1 } }))).toBe('eligible');
    });

    it('says the rate and the limit', () => {
      const v = checkEligibility({ ...good, ...tickets(3, 2) }, defaults, cap);
      expect(v).toMatchObject({ reason: 'high_service_load', detail: '1.50 tickets per order > 1' });
    });
  });

  describe('returns (maxRate, minOrders)', () => {
    it.each([
      [0.3, 0, 10, 'eligible'],
      [0.3, 2, 10, 'eligible'], // 20%
      [0.3, 3, 10, 'eligible'], // exactly 30%: not above the limit
      [0.3, 300, 1000, 'eligible'],
      [0.3, 301, 1000, 'high_return_rate'], // 30.1%
      [0.3, 3_000_001, 10_000_000, 'high_return_rate'], // 30.00001%
      [0.3, 4, 10, 'high_return_rate'],
      [0.2, 2, 10, 'eligible'],
      [0.2, 201, 1000, 'high_return_rate'],
      [0.1, 1, 10, 'eligible'],
      [0.1, 11, 100, 'high_return_rate'],
      [0, 0, 10, 'eligible'],
      [0, 1, 1000, 'high_return_rate'],
      [1, 10, 10, 'eligible'], // everything returned is not above 100%
      [1, 11, 10, 'high_return_rate'], // returns of purchases from before the lookback
    ] as const)('maxRate %s: %i of %i units returned → %s', (maxRate, returned, bought, expected) => {
      expect(verdict(returns(returned, bought), policyFrom({ returns: { maxRate } }))).toBe(expected);
    });

    it.each([
      [2, 0, 'eligible'],
      [2, 1, 'eligible'], // one unlucky order condemns nobody
      [2, 2, 'high_return_rate'],
      [2, 3, 'high_return_rate'],
      [1, 1, 'high_return_rate'],
      [0, 0, 'high_return_rate'],
      [5, 4, 'eligible'],
      [5, 5, 'high_return_rate'],
    ] as const)('minOrders %i with %i orders, half the units returned → %s', (minOrders, orders, expected) => {
      expect(verdict(returns(5, 10, orders), policyFrom({ returns: { minOrders } }))).toBe(expected);
    });

    it('nothing bought is a rate of 0', () => {
      expect(verdict({ ...returns(0, 0), orders: 3 }, policyFrom({ returns: { maxRate: 0 } }))).toBe('eligible');
    });

    it('says the rate and the limit', () => {
      const v = checkEligibility({ ...good, ...returns(4, 10) }, defaults, cap);
      expect(v).toMatchObject({ reason: 'high_return_rate', detail: 'returned 40.0% of units > 30.0%' });
    });
  });

  describe('frequency cap', () => {
    it.each([
      [1, 0, 'eligible'],
      [1, 1, 'frequency_cap'], // at the cap: this email would be one too many
      [1, 2, 'frequency_cap'],
      [3, 2, 'eligible'],
      [3, 3, 'frequency_cap'],
    ] as const)('max %i with %i recent emails → %s', (max, recentEmails, expected) => {
      expect(verdict({ recentEmails }, defaults, { max })).toBe(expected);
    });
  });

  describe('precedence', () => {
    /** Every rule applies at once. */
    const everything: Partial<CustomerFigures> = {
      hasEmail: false,
      suppression: 'unsubscribed',
      marketingConsent: false,
      ...tickets(6, 2, 1),
      ...returns(9, 10),
      recentEmails: 5,
    };
    // Clearing the figure behind each reason, in turn, reveals the next one.
    const order: [SkipReason, Partial<CustomerFigures>][] = [
      ['no_email', { hasEmail: true }],
      ['unsubscribed', { suppression: 'bounced' }],
      ['suppressed', { suppression: null }],
      ['no_consent', { marketingConsent: true }],
      ['open_ticket', { openTickets: 0 }],
      ['high_service_load', { ticketsOpened: 1, ticketsPerOrder: 0.5 }],
      ['high_return_rate', returns(0, 10)],
      ['frequency_cap', { recentEmails: 0 }],
    ];

    it('no_email > unsubscribed > suppressed > no_consent > open_ticket > high_service_load > high_return_rate > frequency_cap', () => {
      let figures = { ...everything };
      const seen: (SkipReason | 'eligible')[] = [];
      for (const [reason, clear] of order) {
        seen.push(verdict(figures));
        expect(seen.at(-1)).toBe(reason);
        figures = { ...figures, ...clear };
      }
      expect(verdict(figures)).toBe('eligible');
    });

    it('each rule alone is enough, whatever the others say', () => {
      for (const [i, [reason]] of order.entries()) {
        // Only rule i applies: start from `everything` and clear every other rule.
        let figures = { ...everything };
        for (const [j, [, clear]] of order.entries()) if (j !== i) figures = { ...figures, ...clear };
        if (reason === 'unsubscribed') figures.suppression = 'unsubscribed';
        if (reason === 'suppressed') figures.suppression = 'bounced';
        expect(verdict(figures), reason).toBe(reason);
      }
    });

    it('suppression outranks consent, and an open ticket outranks the service-load rule', () => {
      expect(verdict({ suppression: 'bounced', marketingConsent: null })).toBe('suppressed');
      expect(verdict({ ...tickets(5, 1, 1) })).toBe('open_ticket');
      expect(verdict({ ...tickets(5, 1, 1) }, policyFrom({ service: { skipWhileOpen: false } }))).toBe(
        'high_service_load',
      );
    });
  });
});
