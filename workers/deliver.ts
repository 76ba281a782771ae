// The cross-sell processor: at the due time, load → re-decide timing → check eligibility →
// pick items → render → claim → send → record. At-least-once jobs, at most one email: the
// claim in Postgres (claim-send.sql) happens before SMTP and only once per order, and the row is
// marked when the message's DATA begins (data-started.sql). A worker that dies before that
// point leaves a claim another worker takes over once its lease ran out; after it, the send is
// ambiguous and never made again (the reconciler fails it as interrupted).
import { readFileSync } from 'node:fs';
import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../src/config/schema.js';
import type { CrossSellJob } from '../src/queue/cross-sell-queue.js';
import { decideOrderTiming, recordedFacts, type RecordedLine, type RecordedOrder } from '../src/ingest/order-timing.js';
import { applyQuietHours } from '../src/timing/index.js';
import { emailHash } from '../src/ingest/customer-key.js';
import { normaliseEmail } from '../src/ingest/email-address.js';
import { figuresFrom, figuresWindow, loadCustomerFigures, type StoredFigures } from '../src/eligibility/figures.js';
import { checkEligibility } from '../src/eligibility/check-eligibility.js';
import { renderCrossSell } from '../src/mail/render.js';
import { crossSellProps, emailCurrency } from '../src/mail/preview-props.js';
import { redactAddresses } from '../src/privacy/redact.js';
import { classifySmtpError, mayHaveBeenAccepted, type Mailer, type OutgoingEmail } from '../src/mail/transport.js';
import type { LinkSigner } from '../src/http/links.js';
import type { ItemPicker, ChosenItem, CustomerContext } from '../src/recommend/item-picker.js';
import { metrics } from '../src/http/metrics.js';
import { queryRunner, type QueryRunner } from '../src/db/sql.js';
import { isHeldOut, recordHoldoutPeriod } from '../src/measure/holdout.js';
import { prepareOffer, type OfferDeps } from '../src/offers/prepare-offer.js';

const query = (name: string) => readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
const q = {
  load: query('load-cross-sell'),
  claim: query('claim-send'),
  markSent: query('mark-sent'),
  settle: query('settle'),
  releaseClaim: query('release-claim'),
  reclaim: query('reclaim-send'),
  dataStarted: query('data-started'),
  holdOut: query('hold-out'),
};

/**
 * How long a claim stands if its worker dies before DATA. Under half BullMQ's job lock (30 s,
 * renewed every 15 s): a stalled job is handed to another worker only once its lock expired, at
 * least 15 s after the claim, so the lease has run out by then and the claim can be taken over.
 */
export const SEND_LEASE_MS = 12_000;

export interface DeliverDeps {
  pool: pg.Pool;
  config: () => Config;
  mailer: Mailer;
  links: LinkSigner;
  publicUrl: string;
  items: ItemPicker;
  /** Learned delays per product type for a store, when the config uses them. */
  learned?: (store: string) => Promise<Record<string, { medianMs: number; samples: number }> | undefined>;
  log: Logger;
  now?: () => Date;
  /** Named prepared statements (not on the embedded database). */
  prepared?: boolean;
  /** Store APIs that make bundle codes (src/offers/codes/). */
  codeApis?: OfferDeps['apis'];
}

export interface LoadedCrossSell extends RecordedOrder {
  id: string;
  store: string;
  orderId: string;
  customerKey: string | null;
  status: string;
  /** An operator pressed "send now": timing is not re-decided. */
  sendNow: boolean;
  currency: string | null;
  email: string | null;
  firstName: string | null;
  locale: string | null;
  siblings: { id: number; orderId: string }[];
  /** customer_figures() with the hash in the customer key (null unless scheduled). */
  figuresByKey: StoredFigures | null;
  /** customer_context() for this customer and these orders (null unless scheduled). */
  itemContext: CustomerContext | null;
  lines: (RecordedLine & { orderId: string; title: string })[];
}

export type DeliverResult = 'sent' | 'held_out' | 'skipped' | 'cancelled' | 'waiting' | 'delayed' | 'gone' | 'not-due' | 'already';

export function createDeliverProcessor(deps: DeliverDeps): Processor<CrossSellJob> {
  return async (job: Job<CrossSellJob>, token?: string) => {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await deliver(deps, job.data.crossSellId, async (dueAt) => {
      // Postpone this very job (quiet hours moved, a later trigger rule): the throw is required.
      await job.moveToDelayed(dueAt.getTime(), token);
      throw new DelayedError();
    }, { lastAttempt });
    return result;
  };
}

export async function deliver(
  deps: DeliverDeps, crossSellId: string, postpone: (dueAt: Date) => Promise<never>, opts: { lastAttempt?: boolean } = {},
): Promise<DeliverResult> {
  const { pool, log } = deps;
  const run = queryRunner(pool, deps.prepared ?? false);
  const config = deps.config();
  const now = deps.now?.() ?? new Date();
  const load = async () => (await run<LoadedCrossSell>('load-cross-sell', q.load, [crossSellId, ...figuresWindow(config, now)])).rows[0];
  const found = await load();
  // A 'sending' row: its worker died (BullMQ handed us its stalled job) or is still at it. A claim
  // whose DATA never began and whose lease ran out goes back to 'scheduled': reload and send.
  const xs = found?.status === 'sending' && (await run('reclaim-send', q.reclaim, [found.id])).rowCount ? await load() : found;
  if (!xs) return 'gone';
  if (xs.status !== 'scheduled') return xs.status === 'waiting' ? 'waiting' : 'already';
  // Re-decide timing with everything known now (the order may have been cancelled since).
  const ownLines = xs.lines.filter((l) => l.orderId === xs.orderId);
  const learned = deps.learned ? await deps.learned(xs.store) : undefined;
  const verdict = decideOrderTiming({ ...recordedFacts(xs, ownLines, now), learned }, config.timing, now);
  if (verdict.status !== 'scheduled') {
    await settle(pool, xs.id, verdict.status, verdict.reason, { timing: verdict.timing });
    metrics.decisions.inc({ outcome: verdict.status, reason: verdict.reason ?? 'none' });
    return verdict.status === 'waiting' ? 'waiting' : verdict.status === 'cancelled' ? 'cancelled' : 'skipped';
  }
  // A past-due send (a late trigger, a backlog) must still respect the customer's quiet hours.
  const timezone = verdict.timing.status === 'scheduled' ? verdict.timing.timezone : config.timing.timezone;
  const sendAt = xs.sendNow ? now : verdict.dueAt && verdict.dueAt > now ? verdict.dueAt : applyQuietHours(now, config.timing.quietHours, timezone).at;
  if (sendAt.getTime() > now.getTime() + 1_000) {
    await settle(pool, xs.id, 'scheduled', null, { dueAt: sendAt, timing: verdict.timing });
    log.info({ crossSellId: xs.id, dueAt: sendAt }, 'due time moved later: re-delayed');
    return postpone(sendAt);
  }

  // Only ever one plain address: a list, a display name or a header break is never sent to.
  const address = normaliseEmail(xs.email);
  if (xs.email !== null && address === null) return skipInvalidEmail(deps, xs);
  // Read with the cross-sell when its key still names this address (a changed address reads anew).
  const addressHash = address ? emailHash(address) : null;
  const figures = xs.figuresByKey && addressHash !== null && xs.customerKey === `e-${addressHash}`
    ? figuresFrom(xs.figuresByKey)
    : await loadCustomerFigures(run, { store: xs.store, customerKey: xs.customerKey, emailHash: addressHash, now, config });
  const eligibility = checkEligibility(figures, config.eligibility, config.timing.frequencyCap);
  if (!eligibility.eligible) {
    await settle(pool, xs.id, 'skipped', eligibility.reason, { figures });
    metrics.decisions.inc({ outcome: 'skipped', reason: eligibility.reason });
    log.info({ crossSellId: xs.id, orderId: xs.orderId, reason: eligibility.reason }, 'cross-sell skipped');
    return 'skipped';
  }

  const siblingIds = xs.siblings.map((s) => String(s.id));
  const picked = await deps.items.pick({
    store: xs.store, customerKey: xs.customerKey, orderIds: [xs.orderId, ...xs.siblings.map((s) => s.orderId)],
    lines: xs.lines, limit: config.recommend.maxItems, context: xs.itemContext ?? undefined,
  });
  if (picked.items.length === 0) {
    await settle(pool, xs.id, 'skipped', 'no_complements', { figures, items: [] });
    metrics.decisions.inc({ outcome: 'skipped', reason: 'no_complements' });
    return 'skipped';
  }
  // The measurement group: every decision made, nothing emailed (src/measure/holdout.ts).
  await recordHoldoutPeriod(pool, run, xs.store, config.measure.holdout, now);
  if (isHeldOut(xs.store, xs.customerKey, config.measure.holdout)) return holdOut(deps, run, xs, picked.items, figures, siblingIds, now);
  const items = picked.items.map((item) => ({ ...item, href: `${deps.publicUrl}/c/${deps.links.sign({ kind: 'c', crossSellId: xs.id, productId: item.productId })}` }));

  // The bundle panel, or none with the reason recorded (a missing code never blocks the email).
  const offer = await prepareOffer({ pool, links: deps.links, publicUrl: deps.publicUrl, log, apis: deps.codeApis }, {
    config, crossSell: { id: xs.id, store: xs.store, currency: emailCurrency(xs.currency, picked.items), email: address! },
    items: picked.items, timezone, now,
  });
  const unsubscribeUrl = `${deps.publicUrl}/u/${deps.links.sign({ kind: 'u', crossSellId: xs.id })}`;
  // Rendered before the claim: the claim stands for the SMTP transaction only.
  const rendered = await renderCrossSell(crossSellProps({ config, crossSell: xs, items, unsubscribeUrl, offer }));
  const messageId = `<xs-${xs.id}.${emailHash(xs.store).slice(0, 12)}@${senderDomain(config.store.from)}>`;
  const email: OutgoingEmail = {
    from: config.store.from, to: address!, replyTo: config.store.replyTo, subject: rendered.subject, html: rendered.html, text: rendered.text,
    messageId, unsubscribeUrl, unsubscribeMailto: `mailto:${mailboxOf(config.store.from)}?subject=unsubscribe`,
    customer: xs.customerKey ? { store: xs.store, key: xs.customerKey } : undefined, // outbox files name it, for erasure
  };

  let claimed;
  try {
    claimed = await run<{ attempts: number }>('claim-send', q.claim, [xs.id, JSON.stringify(items), JSON.stringify(figures), SEND_LEASE_MS]);
  } catch (err) {
    // Another order of this customer is being sent right now; its email may serve this one.
    if ((err as { code?: string }).code === '23505') return postpone(new Date(now.getTime() + 3_000));
    throw err;
  }
  if (claimed.rowCount === 0) return 'already';

  const claim: Claim = { xs, attempt: claimed.rows[0]!.attempts, address: address!, addressHash: addressHash!, started: false, lost: false };
  const sent = await sendClaimed(deps, run, claim, email, opts);
  if (sent === 'already') return 'already';
  await run('mark-sent', q.markSent, [xs.id, new Date(), messageId, siblingIds]);
  metrics.sends.inc({ outcome: 'sent' });
  log.info({ crossSellId: xs.id, orderId: xs.orderId, items: items.length, served: siblingIds.length + 1 }, 'cross-sell sent');
  return 'sent';
}

/** One claimed send: whose it is (`attempt`, the claim's token) and how far its message got. */
interface Claim {
  xs: LoadedCrossSell;
  attempt: number;
  address: string;
  addressHash: string;
  /** The row was marked: the message's DATA began. */
  started: boolean;
  /** The claim was taken over by another worker (our lease ran out): this one sends nothing. */
  lost: boolean;
}

/** Sends under the claim; the row is marked when DATA begins, and only while the claim is ours. */
async function sendClaimed(
  deps: DeliverDeps, run: QueryRunner, claim: Claim, email: OutgoingEmail, opts: { lastAttempt?: boolean },
): Promise<'sent' | 'already'> {
  const beforeData = async () => {
    const marked = await run('data-started', q.dataStarted, [claim.xs.id, claim.attempt, email.messageId]);
    claim.lost = marked.rowCount === 0;
    if (claim.lost) throw new Error('the claim was taken over by another worker');
    claim.started = true;
  };
  const started = performance.now();
  try {
    await deps.mailer.send(email, { beforeData });
  } catch (err) {
    metrics.smtpSeconds.observe((performance.now() - started) / 1000);
    if (claim.lost) {
      deps.log.warn({ crossSellId: claim.xs.id }, 'claim taken over by another worker before DATA: not sent here');
      return 'already';
    }
    return failedSend(deps, claim, err, opts);
  }
  metrics.smtpSeconds.observe((performance.now() - started) / 1000);
  return 'sent';
}

/** Records a failed send and throws: suppressed and final, final and ambiguous, or retried. */
async function failedSend(deps: DeliverDeps, claim: Claim, err: unknown, opts: { lastAttempt?: boolean }): Promise<never> {
  const { pool, log } = deps;
  const { xs } = claim;
  const reply = smtpReply(err);
  if (classifySmtpError(err) === 'permanent') {
    // Suppressed before the row says failed: whoever sees "failed" sees the suppression too.
    await pool.query(
      `INSERT INTO suppressions (store, email_hash, email, reason) VALUES ($1, $2, $3, 'bounced') ON CONFLICT DO NOTHING`,
      [xs.store, claim.addressHash, claim.address.toLowerCase()],
    );
    await settle(pool, xs.id, 'failed', 'smtp_rejected', { reply });
    metrics.sends.inc({ outcome: 'failed' });
    log.warn({ crossSellId: xs.id, code: (err as { responseCode?: number }).responseCode }, 'permanent SMTP failure: address suppressed');
    throw new UnrecoverableError(`permanent SMTP failure for cross-sell ${xs.id}`);
  }
  // The message went out and no answer came: it may have been accepted. At most once, never twice.
  if (mayHaveBeenAccepted(err, claim.started)) {
    await settle(pool, xs.id, 'failed', 'smtp_no_answer', { reply });
    metrics.sends.inc({ outcome: 'failed' });
    log.warn({ crossSellId: xs.id, code: (err as { code?: string }).code }, 'no SMTP answer after the message went out: marked failed, not retried');
    throw new UnrecoverableError(`no SMTP answer for cross-sell ${xs.id}`);
  }
  if (opts.lastAttempt) {
    await settle(pool, xs.id, 'failed', 'smtp_unavailable', { reply });
    metrics.sends.inc({ outcome: 'failed' });
    throw err;
  }
  // Nothing was accepted: release the claim so the retry can send.
  await pool.query(q.releaseClaim, [xs.id, claim.attempt, reply]);
  metrics.sends.inc({ outcome: 'retried' });
  log.warn({ crossSellId: xs.id, code: (err as { responseCode?: number; code?: string }).responseCode ?? (err as { code?: string }).code }, 'transient SMTP failure: will retry');
  throw err;
}

/** Holds a cross-sell out (SPEC `held_out`): recorded as decided, with its items, never emailed. */
async function holdOut(
  deps: DeliverDeps, run: QueryRunner, xs: LoadedCrossSell, items: ChosenItem[], figures: unknown, siblingIds: string[], now: Date,
): Promise<'held_out' | 'already'> {
  const held = await run('hold-out', q.holdOut, [xs.id, now, JSON.stringify(items), JSON.stringify(figures), siblingIds]);
  if (held.rowCount === 0) return 'already';
  metrics.decisions.inc({ outcome: 'held_out', reason: 'none' });
  deps.log.info({ crossSellId: xs.id, orderId: xs.orderId, items: items.length, served: siblingIds.length + 1 }, 'cross-sell held out (measurement group)');
  return 'held_out';
}

/** The stored address is no single plain address (SPEC `invalid_email`): never sent to. */
async function skipInvalidEmail(deps: DeliverDeps, xs: LoadedCrossSell): Promise<'skipped'> {
  await settle(deps.pool, xs.id, 'skipped', 'invalid_email', {});
  metrics.decisions.inc({ outcome: 'skipped', reason: 'invalid_email' });
  deps.log.info({ crossSellId: xs.id, orderId: xs.orderId, reason: 'invalid_email' }, 'cross-sell skipped');
  return 'skipped';
}

async function settle(
  pool: pg.Pool, id: string, status: string, reason: string | null,
  extra: { figures?: unknown; items?: ChosenItem[]; dueAt?: Date; timing?: unknown; reply?: string },
): Promise<void> {
  await pool.query(q.settle, [id, status, reason, extra.figures ? JSON.stringify(extra.figures) : null,
    extra.items ? JSON.stringify(extra.items) : null, extra.dueAt ?? null, extra.timing ? JSON.stringify(extra.timing) : null,
    extra.reply ?? null]);
}

/** The server's answer (already redacted by the mailer), or what went wrong on the way; one line, capped. */
function smtpReply(err: unknown): string {
  const e = err as { response?: unknown; code?: unknown; message?: unknown };
  const text = typeof e.response === 'string' ? e.response : `${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? err)}`;
  return redactAddresses(text.replace(/\s+/g, ' ').trim()).slice(0, 300);
}

function mailboxOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

function senderDomain(from: string): string {
  return mailboxOf(from).split('@')[1] ?? 'aftercart.local';
}
