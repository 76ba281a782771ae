// The send: the one claim of a cross-sell (sql/claim-sends.sql), taken just before SMTP, then the
// message handed to the mailer under it. The row is marked when DATA begins (sql/data-started.sql),
// and only while the claim is ours; a claim whose worker died before that point is taken over
// once its lease ran out (sql/reclaim-send.sql). Claims and marks of concurrent sends are
// written together (send-writes.ts).
import { isUniqueViolation } from '../src/db/errors.js';
import type { ChosenItem } from '../src/recommend/item-picker-interface.js';
import type { OutgoingEmail } from '../src/mail/transport.js';
import { metrics } from '../src/metrics/metrics.js';
import { sql, type QueryRunner } from '../src/db/sql.js';
import type { Delivery } from './deliver.js';
import type { LoadedCrossSell } from './load-cross-sell.js';
import { sendWrites } from './send-writes.js';

const q = { reclaim: sql(import.meta.url, 'reclaim-send') };

/**
 * How long a claim stands if its worker dies before DATA, at BullMQ's default lock (30 s,
 * renewed every 15 s). Under half the lock: a stalled job is handed to another worker only once
 * its lock expired, at least 15 s after the claim, so the lease has run out by then and the claim
 * can be taken over. A shorter QUEUE_LOCK_MS shortens it (src/queue/timings.ts).
 */
export const SEND_LEASE_MS = 12_000;

/** The one plain address a send goes to, and its keyed hash. */
export interface Recipient {
  address: string;
  addressHash: string;
}

/** One claimed send: whose it is (`attempt`, the claim's token) and how far its message got. */
export interface Claim extends Recipient {
  xs: LoadedCrossSell;
  attempt: number;
  /** The row was marked: the message's DATA began. */
  started: boolean;
  /** The claim was taken over by another worker (our lease ran out): this one sends nothing. */
  lost: boolean;
}

/** A 'sending' row whose DATA never began and whose lease ran out goes back to 'scheduled'. */
export async function reclaimExpired(run: QueryRunner, crossSellId: string): Promise<boolean> {
  return Boolean((await run('reclaim-send', q.reclaim, [crossSellId])).rowCount);
}

/**
 * Claims the send, recording the items and figures it is made with. 'already': no longer
 * scheduled (a duplicate job); 'busy': another order of this customer is being sent right now.
 */
export async function claimSend(
  step: Delivery,
  xs: LoadedCrossSell,
  recipient: Recipient,
  items: ChosenItem[],
  figures: unknown,
): Promise<Claim | 'already' | 'busy'> {
  try {
    const writes = sendWrites(step.deps.pool, step.deps.prepared ?? false);
    const attempt = await writes.claim({ id: xs.id, items, figures, leaseMs: step.deps.leaseMs ?? SEND_LEASE_MS });
    if (attempt === null) return 'already';
    return { xs, attempt, ...recipient, started: false, lost: false };
  } catch (err) {
    if (isUniqueViolation(err)) return 'busy';
    throw err;
  }
}

/** 'sent'; 'already' when the claim was taken over before DATA; else the failure, to be recorded. */
export type SendResult = 'sent' | 'already' | { error: unknown };

/** Sends under the claim; the row is marked when DATA begins, and only while the claim is ours. */
export async function sendClaimed(step: Delivery, claim: Claim, email: OutgoingEmail): Promise<SendResult> {
  const writes = sendWrites(step.deps.pool, step.deps.prepared ?? false);
  const beforeData = async () => {
    const marked = await writes.dataStarted({ id: claim.xs.id, attempt: claim.attempt, messageId: email.messageId });
    claim.lost = !marked;
    if (claim.lost) throw new Error('the claim was taken over by another worker');
    claim.started = true;
  };
  const started = performance.now();
  try {
    await step.deps.mailer.send(email, { beforeData });
    return 'sent';
  } catch (error) {
    if (!claim.lost) return { error };
    step.deps.log.warn({ crossSellId: claim.xs.id }, 'claim taken over by another worker before DATA: not sent here');
    return 'already';
  } finally {
    metrics.smtpSeconds.observe((performance.now() - started) / 1000);
  }
}
