// Decides at send time whether a loaded cross-sell goes out now: timing re-decided with everything
// known now, quiet hours for a past-due send, one plain address, the eligibility figures, and the
// measurement group. Each "not now" is recorded here (record.ts) before it is returned.
import type { Delivery } from './deliver.js';
import type { LoadedCrossSell } from './load-cross-sell.js';
import type { Recipient } from './send.js';
import { recordDecision, recordSkip, settle } from './record.js';
import { decideOrderTiming, recordedFacts } from '../src/timing/order-timing.js';
import { applyQuietHours } from '../src/timing/index.js';
import { emailHash } from '../src/domain/customer-key.js';
import { normaliseEmail } from '../src/domain/email-address.js';
import { figuresFrom, loadCustomerFigures } from '../src/eligibility/figures.js';
import { checkEligibility, type CustomerFigures } from '../src/eligibility/check-eligibility.js';
import { isHeldOut, recordHoldoutPeriod } from '../src/measure/holdout.js';

export type Decision =
  /** Not sent, and recorded so. */
  | { result: 'waiting' | 'cancelled' | 'skipped' }
  /** Due later than now (recorded): the job is postponed to `dueAt`. */
  | { dueAt: Date }
  /** Due now: to this recipient; `timezone` is the customer's (an offer's expiry is shown in it). */
  | { recipient: Recipient; figures: CustomerFigures; timezone: string };

export async function decide(step: Delivery, xs: LoadedCrossSell): Promise<Decision> {
  const timing = await decideTiming(step, xs);
  if ('result' in timing || 'dueAt' in timing) return timing;
  const checked = await checkRecipient(step, xs);
  return 'recipient' in checked ? { ...checked, timezone: timing.timezone } : checked;
}

/** Re-decides timing (the order may have been cancelled since); due now: the customer's zone. */
async function decideTiming(step: Delivery, xs: LoadedCrossSell): Promise<Decision | { timezone: string }> {
  const { config, now } = step;
  const ownLines = xs.lines.filter((l) => l.orderId === xs.orderId);
  const learned = step.deps.learned ? await step.deps.learned(xs.store) : undefined;
  const verdict = decideOrderTiming({ ...recordedFacts(xs, ownLines, now), learned }, config.timing, now);
  if (verdict.status !== 'scheduled') {
    await recordDecision(step, xs, verdict.status, verdict.reason, { timing: verdict.timing });
    const { status } = verdict;
    return { result: status === 'waiting' ? 'waiting' : status === 'cancelled' ? 'cancelled' : 'skipped' };
  }
  // A past-due send (a late trigger, a backlog) must still respect the customer's quiet hours.
  const timezone = verdict.timing.status === 'scheduled' ? verdict.timing.timezone : config.timing.timezone;
  const sendAt = xs.sendNow
    ? now
    : verdict.dueAt && verdict.dueAt > now
      ? verdict.dueAt
      : applyQuietHours(now, config.timing.quietHours, timezone).at;
  if (sendAt.getTime() <= now.getTime() + 1_000) return { timezone };
  await settle(step.deps.pool, xs.id, 'scheduled', null, { dueAt: sendAt, timing: verdict.timing });
  step.deps.log.info({ crossSellId: xs.id, dueAt: sendAt }, 'due time moved later: re-delayed');
  return { dueAt: sendAt };
}

/** One plain address and an eligible customer; else skipped (invalid_email or the eligibility reason). */
async function checkRecipient(
  step: Delivery,
  xs: LoadedCrossSell,
): Promise<{ result: 'skipped' } | { recipient: Recipient; figures: CustomerFigures }> {
  const { config, now } = step;
  // Only ever one plain address: a list, a display name or a header break is never sent to.
  const address = normaliseEmail(xs.email);
  if (xs.email !== null && address === null) return { result: await recordSkip(step, xs, 'invalid_email', {}) };
  // Read with the cross-sell when its key still names this address (a changed address reads anew).
  const addressHash = address ? emailHash(address) : null;
  const figures =
    xs.figuresByKey && addressHash !== null && xs.customerKey === `e-${addressHash}`
      ? figuresFrom(xs.figuresByKey)
      : await loadCustomerFigures(step.run, {
          store: xs.store,
          customerKey: xs.customerKey,
          emailHash: addressHash,
          now,
          config,
        });
  const eligibility = checkEligibility(figures, config.eligibility, config.timing.frequencyCap);
  if (!eligibility.eligible) return { result: await recordSkip(step, xs, eligibility.reason, { figures }) };
  // Eligible means an address was found (no_email otherwise).
  return { recipient: { address: address!, addressHash: addressHash! }, figures };
}

/** The measurement group (src/measure/holdout.ts): every decision made, nothing emailed. */
export async function heldOut(step: Delivery, xs: LoadedCrossSell): Promise<boolean> {
  const { holdout } = step.config.measure;
  await recordHoldoutPeriod(step.deps.pool, step.run, xs.store, holdout, step.now);
  return isHeldOut(xs.store, xs.customerKey, holdout);
}
