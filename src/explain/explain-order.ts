// The decision for one order, as `explain` and the admin search print it (SPEC "Decisions").
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { describeDecision } from './describe.js';
import { settingsFor, settingsSource } from '../config/store-settings.js';
import type { OfferDecision } from '../offers/prepare-offer.js';

export interface Explanation {
  /** The decision in a sentence with its figures (when explained with a config). */
  summary?: string;
  /** Which settings applied: the store's entry of config `stores`, or the top-level ones. */
  settings?: string;
  store: string;
  orderId: string;
  status: string;
  reason: string | null;
  dueAt: string | null;
  rule: unknown;
  trigger: string | null;
  timezone: string | null;
  adjustments: unknown[];
  timing: unknown;
  /** Products of no known type (not in the catalog, or typeless there): no type rule can match them. */
  untypedProducts: string[];
  items: { productId: string; title: string; source: string; score: number; reason: string }[];
  figures: Record<string, unknown>;
  sentAt: string | null;
  messageId: string | null;
  /** Send attempts so far, and the SMTP server's last answer (addresses redacted). */
  attempts: number;
  lastReply: string | null;
  servedBy: string | null;
  /** The bundle offer: the code and prices the email showed, or why it had no bundle panel. */
  offer?: OfferDecision | null;
}

export async function explainOrder(
  pool: Pick<pg.Pool, 'query'>,
  orderId: string,
  store?: string,
  config?: Config,
): Promise<Explanation[]> {
  const { rows } = await pool.query<CrossSellRow>(
    `SELECT x.store, x.order_id, x.status, x.reason, x.due_at, x.timing, x.items, x.figures, x.sent_at, x.message_id,
            x.attempts, x.last_reply, x.offer, s.order_id AS served_by
       FROM cross_sells x LEFT JOIN cross_sells s ON s.id = x.served_by
      WHERE x.order_id = $1 AND ($2::text IS NULL OR x.store = $2)
      ORDER BY x.store`,
    [orderId, store ?? null],
  );
  const explained = rows.map(explanationOf);
  // Worded with the limits and rules of the order's own store (config `stores`).
  return config
    ? explained.map((e) => ({
        summary: describeDecision(e, settingsFor(config, e.store)),
        settings: settingsSource(config, e.store),
        ...e,
      }))
    : explained;
}

/** A cross_sells row as explainOrder selects it, `served_by` being the serving order's id. */
interface CrossSellRow {
  store: string;
  order_id: string;
  status: string;
  reason: string | null;
  due_at: Date | string | null;
  timing: Record<string, unknown> | null;
  items: Explanation['items'] | null;
  figures: Record<string, unknown> | null;
  sent_at: Date | string | null;
  message_id: string | null;
  attempts: number | string | null;
  last_reply: string | null;
  offer: OfferDecision | null;
  served_by: string | null;
}

/** One row as the explanation fields: the timing's parts lifted out, times as ISO strings. */
function explanationOf(r: CrossSellRow): Explanation {
  const timing = r.timing ?? {};
  return {
    store: r.store,
    orderId: r.order_id,
    status: r.status,
    reason: r.reason,
    dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
    rule: timing.rule ?? null,
    trigger: (timing.trigger as string) ?? null,
    timezone: (timing.timezone as string) ?? null,
    adjustments: (timing.adjustments as unknown[]) ?? [],
    timing,
    untypedProducts: Array.isArray(timing.untyped) ? (timing.untyped as string[]) : [],
    items: (r.items ?? []).map((i) => ({
      productId: i.productId,
      title: i.title,
      source: i.source,
      score: i.score,
      reason: i.reason,
    })),
    figures: r.figures ?? {},
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    messageId: r.message_id,
    attempts: Number(r.attempts ?? 0),
    lastReply: r.last_reply ?? null,
    servedBy: r.served_by,
    offer: r.offer ?? null,
  };
}

export function formatExplanation(e: Explanation): string {
  const lines = [
    `order ${e.orderId} (${e.store}): ${e.status}${e.reason ? ` — ${e.reason}` : ''}`,
    e.summary ? `  ${e.summary}` : null,
    e.settings ? `  settings ${e.settings}` : null,
    e.dueAt ? `  due      ${e.dueAt}${e.timezone ? ` (customer zone ${e.timezone})` : ''}` : null,
    e.trigger ? `  trigger  after ${e.trigger}` : null,
    e.rule ? `  rule     ${JSON.stringify(e.rule)}` : null,
    e.adjustments.length ? `  adjusted ${JSON.stringify(e.adjustments)}` : null,
    e.untypedProducts.length
      ? `  no type  ${e.untypedProducts.join(', ')} (unknown to the catalog or typeless: only rules without productType can match)`
      : null,
    e.servedBy ? `  served by the email of order ${e.servedBy}` : null,
    e.sentAt ? `  sent     ${e.sentAt} ${e.messageId ?? ''}` : null,
    e.lastReply ? `  smtp     attempt ${e.attempts}: ${e.lastReply}` : null,
    ...e.items.map(
      (i, n) => `  item ${n + 1}   ${i.title} [${i.source}, score ${Number(i.score).toFixed(3)}] ${i.reason}`,
    ),
    e.offer ? `  offer    ${describeOffer(e.offer)}` : null,
    Object.keys(e.figures).length ? `  figures  ${JSON.stringify(e.figures)}` : null,
  ];
  return lines.filter(Boolean).join('\n');
}

/** "bundle 130.47 USD (save 14.50), code BUNDLE-7QX2 from pool, ends …" or why there was none. */
export function describeOffer(offer: OfferDecision): string {
  if (offer.status === 'none')
    return `no bundle panel: ${offer.reason}${offer.detail ? ` (${offer.detail})` : ''} [codes from ${offer.source}]`;
  return (
    `bundle ${offer.discounted} ${offer.currency} (save ${offer.saving} of ${offer.total}), code ${offer.code} from ${offer.source}` +
    (offer.expiresAt ? `, ends ${offer.expiresAt}` : '')
  );
}
