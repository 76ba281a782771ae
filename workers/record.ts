// What the worker writes when a cross-sell's turn ends: a decision not to send (skipped, cancelled,
// waiting, later), held out, sent, or a failed send (failed for good, or the claim released for
// the retry). Each also counts itself in the metrics and logs with ids only.
import { suppress } from '../src/privacy/suppressions.js';
import { UnrecoverableError } from 'bullmq';
import type pg from 'pg';
import type { ChosenItem } from '../src/recommend/item-picker-interface.js';
import { metrics } from '../src/metrics/metrics.js';
import { sql } from '../src/db/sql.js';
import type { Delivery } from './deliver.js';
import type { LoadedCrossSell } from './load-cross-sell.js';
import type { Claim } from './send.js';
import { smtpOutcome, smtpReply } from './smtp-outcome.js';
import { sendWrites } from './send-writes.js';

const q = {
  settle: sql(import.meta.url, 'settle'),
  holdOut: sql(import.meta.url, 'hold-out'),
  releaseClaim: sql(import.meta.url, 'release-claim'),
};

type SettleExtra = { figures?: unknown; items?: ChosenItem[]; dueAt?: Date; timing?: unknown; reply?: string };

/**
 * Ends a cross-sell without a send (skipped, cancelled, failed) or sets it `scheduled` again with
 * a later due time. Never touches a sent row.
 */
export async function settle(
  pool: pg.Pool,
  id: string,
  status: string,
  reason: string | null,
  extra: SettleExtra,
): Promise<void> {
  const json = (value: unknown) => (value ? JSON.stringify(value) : null);
  await pool.query(q.settle, [
    id,
    status,
    reason,
    json(extra.figures),
    json(extra.items),
    extra.dueAt ?? null,
    json(extra.timing),
    extra.reply ?? null,
  ]);
}

/** A decision not to send now (timing, no complements): recorded and counted. */
export async function recordDecision(
  step: Delivery,
  xs: LoadedCrossSell,
  status: string,
  reason: string | null,
  extra: SettleExtra,
): Promise<void> {
  await settle(step.deps.pool, xs.id, status, reason, extra);
  metrics.decisions.inc({ outcome: status, reason: reason ?? 'none' });
}

/** A skip the operator looks for in the logs (ineligible, an unusable address). */
export async function recordSkip(
  step: Delivery,
  xs: LoadedCrossSell,
  reason: string,
  extra: SettleExtra,
): Promise<'skipped'> {
  await recordDecision(step, xs, 'skipped', reason, extra);
  step.deps.log.info({ crossSellId: xs.id, orderId: xs.orderId, reason }, 'cross-sell skipped');
  return 'skipped';
}

/** Holds a cross-sell out (SPEC `held_out`): recorded as decided, with its items, never emailed. */
export async function recordHeldOut(
  step: Delivery,
  xs: LoadedCrossSell,
  items: ChosenItem[],
  figures: unknown,
): Promise<'held_out' | 'already'> {
  const siblingIds = siblingIdsOf(xs);
  const held = await step.run('hold-out', q.holdOut, [
    xs.id,
    step.now,
    JSON.stringify(items),
    JSON.stringify(figures),
    siblingIds,
  ]);
  if (held.rowCount === 0) return 'already';
  metrics.decisions.inc({ outcome: 'held_out', reason: 'none' });
  const ids = { crossSellId: xs.id, orderId: xs.orderId, items: items.length, served: siblingIds.length + 1 };
  step.deps.log.info(ids, 'cross-sell held out (measurement group)');
  return 'held_out';
}

/** The send, and the other pending orders of this customer it served. */
export async function recordSent(
  step: Delivery,
  xs: LoadedCrossSell,
  messageId: string,
  items: ChosenItem[],
): Promise<'sent'> {
  const siblingIds = siblingIdsOf(xs);
  await sendWrites(step.deps.pool, step.deps.prepared ?? false).sent({
    id: xs.id,
    sentAt: new Date(),
    messageId,
    siblingIds,
  });
  metrics.sends.inc({ outcome: 'sent' });
  const ids = { crossSellId: xs.id, orderId: xs.orderId, items: items.length, served: siblingIds.length + 1 };
  step.deps.log.info(ids, 'cross-sell sent');
  return 'sent';
}

/** Records a failed send (smtpOutcome()) and throws for BullMQ: final, or the error itself to retry. */
export async function recordFailure(step: Delivery, claim: Claim, err: unknown, lastAttempt: boolean): Promise<never> {
  const { pool, log } = step.deps;
  const { xs } = claim;
  const outcome = smtpOutcome(err, { dataStarted: claim.started, lastAttempt });
  const reply = smtpReply(err);
  const e = err as { responseCode?: number; code?: string };
  if (outcome.retry) {
    // Nothing was accepted: release the claim so the retry can send.
    await pool.query(q.releaseClaim, [xs.id, claim.attempt, reply]);
    metrics.sends.inc({ outcome: 'retried' });
    log.warn({ crossSellId: xs.id, code: e.responseCode ?? e.code }, 'transient SMTP failure: will retry');
    throw err;
  }
  // Suppressed before the row says failed: whoever sees "failed" sees the suppression too.
  if (outcome.suppress) await suppressRecipient(pool, xs.store, claim.address);
  await settle(pool, xs.id, outcome.status, outcome.reason, { reply });
  metrics.sends.inc({ outcome: 'failed' });
  if (outcome.reason === 'smtp_rejected') {
    log.warn({ crossSellId: xs.id, code: e.responseCode }, 'permanent SMTP failure: address suppressed');
    throw new UnrecoverableError(`permanent SMTP failure for cross-sell ${xs.id}`);
  }
  if (outcome.reason === 'smtp_no_answer') {
    const note = 'no SMTP answer after the message went out: marked failed, not retried';
    log.warn({ crossSellId: xs.id, code: e.code }, note);
    throw new UnrecoverableError(`no SMTP answer for cross-sell ${xs.id}`);
  }
  throw err; // smtp_unavailable: the job's last attempt fails with the SMTP error itself
}

/** A bounced address is never sent to again in this store. */
export async function suppressRecipient(pool: pg.Pool, store: string, address: string): Promise<void> {
  await suppress(pool, { store, address, reason: 'bounced' });
}

function siblingIdsOf(xs: LoadedCrossSell): string[] {
  return xs.siblings.map((s) => String(s.id));
}
