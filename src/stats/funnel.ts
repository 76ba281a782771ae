// The operator's numbers: one funnel over the orders received since a date (the cohort), the
// reasons cross-sells stopped, attributed revenue per currency, emails sent per day, what is
// due next and what failed lately. `aftercart stats` and the admin page both print this.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import { loadMeasure, type Measure } from '../measure/measure.js';
import { loadOfferStats, type OfferStats } from '../offers/offer-stats.js';

const queries = {
  funnel: sql(import.meta.url, 'funnel'),
  sentPerDay: sql(import.meta.url, 'sent-per-day'),
  upcoming: sql(import.meta.url, 'upcoming'),
  recentFailures: sql(import.meta.url, 'recent-failures'),
};

export interface StatsOptions {
  /** Cohort start: orders placed at or after this time (all time when unset). */
  since?: Date;
  store?: string;
  /** Last day of the per-day chart (today by default; tests pin it). */
  now?: Date;
  /** measure.window: how long after its email a customer's orders count (30 days by default). */
  measureWindowMs?: number;
}

export interface Stats {
  since: string | null;
  store: string | null;
  generatedAt: string;
  /** Orders received from webhooks (never imported history) in the cohort. */
  received: number;
  /** Cross-sells that were given a send time, whatever happened after. */
  scheduled: number;
  /** Still waiting for their trigger (fulfilment, delivery...). */
  waiting: number;
  /** Scheduled and not yet sent (including a send in progress). */
  pending: number;
  /** Emails sent (one per cross-sell that sent its own email). */
  sent: number;
  /** Orders covered by another order's email to the same customer. */
  served: number;
  /** Cross-sells held out (measurement group): decided like a send, not emailed. */
  heldOut: number;
  failed: number;
  cancelled: number;
  skippedTotal: number;
  /** Skipped cross-sells by reason code. */
  skipped: Record<string, number>;
  cancelledReasons: Record<string, number>;
  failedReasons: Record<string, number>;
  /** Sent cross-sells with at least one click / at least one attributed conversion. */
  clicked: number;
  converted: number;
  /** Attributed revenue (clicked-or-not customers who bought a recommended item) per currency, net of refunds, as exact decimal strings. */
  attributedRevenue: Record<string, string>;
  /** Emailed vs held-out customers and the incremental revenue, with 95% intervals (src/measure). */
  measure: Measure;
  /** Bundle codes: issued, redeemed, revenue through codes, pools left (src/offers/offer-stats.ts). */
  offers?: OfferStats;
  /** Emails sent per UTC day, zero-filled, oldest first. */
  sentPerDay: { day: string; count: number }[];
  /** The next scheduled sends (not limited by `since`). */
  upcoming: { id: string; store: string; orderId: string; dueAt: string | null }[];
  /** The latest failures (since `since` when given). */
  recentFailures: {
    id: string;
    store: string;
    orderId: string;
    reason: string;
    at: string;
    attempts: number;
    reply: string | null;
  }[];
}

const DAY_MS = 86_400_000;
/** The chart shows 30 days unless `since` asks for more, and never more than a year. */
export const CHART_DEFAULT_DAYS = 30;
export const CHART_MAX_DAYS = 366;
export const LIST_LIMIT = 20;

interface FailureRow {
  id: string;
  store: string;
  orderId: string;
  reason: string;
  at: Date;
  attempts: number;
  reply: string | null;
}

export async function loadStats(pool: Pick<pg.Pool, 'query'>, opts: StatsOptions = {}): Promise<Stats> {
  const now = opts.now ?? new Date();
  const store = opts.store ?? null;
  const since = opts.since ?? null;
  const { from, to } = chartRange(now, opts.since);
  const [funnel, perDay, upcoming, failures, measure, offers] = await Promise.all([
    pool.query(queries.funnel, [store, since]),
    pool.query<{ day: string; count: number }>(queries.sentPerDay, [store, from, to]),
    pool.query<{ id: string; store: string; orderId: string; dueAt: Date | null }>(queries.upcoming, [
      store,
      LIST_LIMIT,
    ]),
    pool.query<FailureRow>(queries.recentFailures, [store, since, LIST_LIMIT]),
    loadMeasure(pool, { store, since, now, windowMs: opts.measureWindowMs }),
    loadOfferStats(pool, { store, since }),
  ]);
  return {
    since: since ? since.toISOString() : null,
    store,
    generatedAt: now.toISOString(),
    ...funnelCounts(funnel.rows[0]),
    measure,
    offers,
    sentPerDay: perDay.rows.map((r) => ({ day: r.day, count: Number(r.count) })),
    upcoming: upcoming.rows.map((r) => ({
      id: r.id,
      store: r.store,
      orderId: r.orderId,
      dueAt: r.dueAt ? new Date(r.dueAt).toISOString() : null,
    })),
    recentFailures: failures.rows.map(recentFailure),
  };
}

type FunnelCounts = Omit<
  Stats,
  'since' | 'store' | 'generatedAt' | 'measure' | 'offers' | 'sentPerDay' | 'upcoming' | 'recentFailures'
>;

type ReasonField = 'skipped' | 'cancelledReasons' | 'failedReasons';
type FunnelRow = Omit<FunnelCounts, ReasonField> & Record<ReasonField, Record<string, number> | null>;

/** The funnel query's row as Stats fields, reasons and revenue in printing order. */
function funnelCounts(f: FunnelRow): FunnelCounts {
  return {
    received: f.received,
    scheduled: f.scheduled,
    waiting: f.waiting,
    pending: f.pending,
    sent: f.sent,
    served: f.served,
    heldOut: f.heldOut,
    failed: f.failed,
    cancelled: f.cancelled,
    skippedTotal: f.skippedTotal,
    skipped: sortedCounts(f.skipped),
    cancelledReasons: sortedCounts(f.cancelledReasons),
    failedReasons: sortedCounts(f.failedReasons),
    clicked: f.clicked,
    converted: f.converted,
    attributedRevenue: Object.fromEntries(Object.entries(f.attributedRevenue).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function recentFailure(r: FailureRow): Stats['recentFailures'][number] {
  return {
    id: r.id,
    store: r.store,
    orderId: r.orderId,
    reason: r.reason,
    at: new Date(r.at).toISOString(),
    attempts: Number(r.attempts ?? 0),
    reply: r.reply ?? null,
  };
}

/** Reason counts, most frequent first, then by name: the order every printout uses. */
export function sortedCounts(counts: Record<string, number> | null | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(counts ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

/** UTC midnights of the first and last day of the per-day chart. */
export function chartRange(now: Date, since?: Date): { from: Date; to: Date } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const earliest = to.getTime() - (CHART_MAX_DAYS - 1) * DAY_MS;
  const start = since
    ? Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate())
    : to.getTime() - (CHART_DEFAULT_DAYS - 1) * DAY_MS;
  return { from: new Date(Math.min(Math.max(start, earliest), to.getTime())), to };
}
