// Who not to email: a pure verdict from a customer's figures and the store's policy. The
// figures travel with the verdict so `explain` can show why.
import type { EligibilityPolicy } from '../config/schema.js';
// invalid_email (not a single plain address) is decided by the worker before these figures.
import type { SkipReason } from '../domain/reason-codes.js';

export type Suppression = 'unsubscribed' | 'bounced' | 'complained' | 'manual';

export interface CustomerFigures {
  hasEmail: boolean;
  marketingConsent: boolean | null;
  suppression: Suppression | null;
  /** Orders within the returns lookback (the base for minOrders). */
  orders: number;
  unitsBought: number;
  unitsReturned: number;
  valueBought: string;
  valueReturned: string;
  /** Returned share of units bought; 0 when nothing was bought. */
  returnRate: number;
  /** Orders and tickets within the service lookback. */
  serviceOrders: number;
  ticketsOpened: number;
  openTickets: number;
  ticketsPerOrder: number;
  /** Cross-sell emails already sent within the frequency cap's window. */
  recentEmails: number;
}

export interface FrequencyCap {
  max: number;
}

export type EligibilityVerdict =
  | { eligible: true; figures: CustomerFigures }
  | { eligible: false; reason: SkipReason; figures: CustomerFigures; detail: string };

export function checkEligibility(
  figures: CustomerFigures,
  policy: EligibilityPolicy,
  cap: FrequencyCap,
): EligibilityVerdict {
  const skip = (reason: SkipReason, detail: string): EligibilityVerdict => ({
    eligible: false,
    reason,
    figures,
    detail,
  });
  if (!figures.hasEmail) return skip('no_email', 'the order has no email address');
  if (figures.suppression === 'unsubscribed') return skip('unsubscribed', 'the customer unsubscribed');
  if (figures.suppression) return skip('suppressed', `the address is suppressed (${figures.suppression})`);
  if (policy.requireConsent && figures.marketingConsent !== true)
    return skip('no_consent', 'no marketing consent on record');
  if (policy.service.skipWhileOpen && figures.openTickets > 0)
    return skip('open_ticket', `${figures.openTickets} support ticket(s) open`);
  if (figures.serviceOrders > 0 && figures.ticketsPerOrder > policy.service.maxTicketsPerOrder) {
    return skip(
      'high_service_load',
      `${figures.ticketsPerOrder.toFixed(2)} tickets per order > ${policy.service.maxTicketsPerOrder}`,
    );
  }
  // One unlucky order condemns nobody: the rate counts only from minOrders orders on.
  if (figures.orders >= policy.returns.minOrders && figures.returnRate > policy.returns.maxRate) {
    return skip(
      'high_return_rate',
      `returned ${(figures.returnRate * 100).toFixed(1)}% of units > ${(policy.returns.maxRate * 100).toFixed(1)}%`,
    );
  }
  if (figures.recentEmails >= cap.max)
    return skip('frequency_cap', `${figures.recentEmails} cross-sell email(s) within the cap window`);
  return { eligible: true, figures };
}
