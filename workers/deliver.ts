// The cross-sell processor: at the due time, load → decide (timing re-decided, eligibility) →
// pick items (or hold out) → compose → claim → send → record. At-least-once jobs, at most one
// email: the claim in Postgres (send.ts) happens before SMTP and only once per order, and the row
// is marked when the message's DATA begins. A worker that dies before that point leaves a claim
// another worker takes over once its lease ran out; after it, the send is ambiguous and never
// made again (the reconciler fails it as interrupted). Each step is a module beside this one.
import { DelayedError, type Job, type Processor } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../src/config/schema.js';
import type { CrossSellJob } from '../src/queue/cross-sell-queue.js';
import type { Mailer } from '../src/mail/transport.js';
import type { LinkSigner } from '../src/links/signed-links.js';
import type { ChosenItem, ItemPicker } from '../src/recommend/item-picker-interface.js';
import { queryRunner, type QueryRunner } from '../src/db/sql.js';
import { batchedLoader, type LoadedCrossSell } from './load-cross-sell.js';
import { settingsFor } from '../src/config/store-settings.js';
import { prepareOffer, type OfferDeps } from '../src/offers/prepare-offer.js';
import { emailCurrency } from '../src/mail/email-props.js';
import { figuresWindow } from '../src/eligibility/figures.js';
import { decide, heldOut, type Decision } from './decide.js';
import { composeEmail, outgoingEmail, pickItems, type ComposedEmail } from './compose.js';
import { claimSend, reclaimExpired, sendClaimed } from './send.js';
import { recordDecision, recordFailure, recordHeldOut, recordSent } from './record.js';

export { SEND_LEASE_MS } from './send.js';

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
  /** How long a claim stands if this worker dies before DATA (src/queue/timings.ts); SEND_LEASE_MS by default. */
  leaseMs?: number;
}

/** What every step of one delivery works with: the deps, one query runner, config and clock read once. */
export interface Delivery {
  deps: DeliverDeps;
  run: QueryRunner;
  config: Config;
  now: Date;
}

/** A decision to send now: to whom, under which figures, in which time zone. */
type DueNow = Extract<Decision, { recipient: unknown }>;

export type DeliverResult =
  'sent' | 'held_out' | 'skipped' | 'cancelled' | 'waiting' | 'delayed' | 'gone' | 'not-due' | 'already';

export function createDeliverProcessor(deps: DeliverDeps): Processor<CrossSellJob> {
  return async (job: Job<CrossSellJob>, token?: string) => {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result = await deliver(
      deps,
      job.data.crossSellId,
      async (dueAt) => {
        // Postpone this very job (quiet hours moved, a later trigger rule): the throw is required.
        await job.moveToDelayed(dueAt.getTime(), token);
        throw new DelayedError();
      },
      { lastAttempt },
    );
    return result;
  };
}

export async function deliver(
  deps: DeliverDeps,
  crossSellId: string,
  postpone: (dueAt: Date) => Promise<never>,
  opts: { lastAttempt?: boolean } = {},
): Promise<DeliverResult> {
  const run = queryRunner(deps.pool, deps.prepared ?? false);
  const base: Delivery = { deps, run, config: deps.config(), now: deps.now?.() ?? new Date() };
  const loaded = await load(base, crossSellId);
  if (!loaded) return 'gone';
  // Every decision below is made under the order's store's settings (config `stores`).
  const step: Delivery = { ...base, config: settingsFor(base.config, loaded.store) };
  const xs = withStoreFigures(loaded, base, step);
  if (xs.status !== 'scheduled') return xs.status === 'waiting' ? 'waiting' : 'already';

  const decision = await decide(step, xs);
  if ('result' in decision) return decision.result;
  if ('dueAt' in decision) return postpone(decision.dueAt);
  const { recipient, figures } = decision;
  const items = await pick(step, xs, figures);
  if (typeof items === 'string') return items;
  // Composed before the claim: the claim stands for the SMTP transaction only.
  const composed = await compose(step, xs, items, decision);
  const claim = await claimSend(step, xs, recipient, composed.items, figures);
  // Another order of this customer is being sent right now; its email may serve this one.
  if (claim === 'busy') return postpone(new Date(step.now.getTime() + 3_000));
  if (claim === 'already') return 'already';
  const sent = await sendClaimed(step, claim, outgoingEmail(step.config, xs, composed, recipient.address));
  if (sent === 'already') return 'already';
  if (sent !== 'sent') return recordFailure(step, claim, sent.error, opts.lastAttempt ?? false);
  return recordSent(step, xs, composed.messageId, composed.items);
}

/**
 * The cross-sell as it stands. A 'sending' row: its worker died (BullMQ handed us its stalled job)
 * or is still at it. A claim whose DATA never began and whose lease ran out goes back to
 * 'scheduled': reload and send.
 */
async function load(step: Delivery, crossSellId: string): Promise<LoadedCrossSell | undefined> {
  const loadNow = batchedLoader(step.deps.pool, step.deps.prepared ?? false);
  const found = await loadNow(crossSellId, step.config, step.now);
  if (found?.status !== 'sending' || !(await reclaimExpired(step.run, found.id))) return found;
  return loadNow(crossSellId, step.config, step.now);
}

/** The items for the email, or why there is none: nothing to offer, or the measurement group. */
async function pick(
  step: Delivery,
  xs: LoadedCrossSell,
  figures: DueNow['figures'],
): Promise<ChosenItem[] | 'skipped' | 'held_out' | 'already'> {
  const picked = await pickItems(step.deps.items, step.config, xs);
  if (picked.items.length === 0) {
    await recordDecision(step, xs, 'skipped', 'no_complements', { figures, items: [] });
    return 'skipped';
  }
  if (await heldOut(step, xs)) return recordHeldOut(step, xs, picked.items, figures);
  return picked.items;
}

/** The email with its bundle panel, or none with the reason recorded (a missing code never blocks the email). */
async function compose(step: Delivery, xs: LoadedCrossSell, items: ChosenItem[], due: DueNow): Promise<ComposedEmail> {
  const { deps, config } = step;
  const offer = await prepareOffer(
    { pool: deps.pool, links: deps.links, publicUrl: deps.publicUrl, log: deps.log, apis: deps.codeApis },
    {
      config,
      items,
      timezone: due.timezone,
      now: step.now,
      crossSell: {
        id: xs.id,
        store: xs.store,
        currency: emailCurrency(xs.currency, items),
        email: due.recipient.address,
      },
    },
  );
  return composeEmail({
    config,
    crossSell: xs,
    items,
    publicUrl: deps.publicUrl,
    sign: (l) => deps.links.sign(l),
    offer,
  });
}

/** Figures read with the row under the top-level windows are dropped when the store's differ. */
function withStoreFigures(xs: LoadedCrossSell, base: Delivery, step: Delivery): LoadedCrossSell {
  const [ours, theirs] = [figuresWindow(base.config, base.now), figuresWindow(step.config, step.now)];
  return ours.every((v, i) => v === theirs[i]) ? xs : { ...xs, figuresByKey: null };
}
