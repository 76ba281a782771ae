// The measurement for `stats` and the admin (issue 20): per currency, the emailed and held-out
// groups side by side, the incremental revenue per email and in total, the reorder-rate lift,
// each with its 95% interval (src/measure/uplift.ts), and a verdict in words.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import { formatDuration } from '../config/duration.js';
import { rateDifferenceInterval, welchInterval, emailsToSettle, type Interval, type Sample } from './uplift.js';
import { verdict } from './verdict.js';

const queries = { periods: sql(import.meta.url, 'periods'), groups: sql(import.meta.url, 'groups') };

export const DEFAULT_WINDOW_MS = 30 * 86_400_000;

export interface GroupFigures {
  /** Customers whose window after their first (would-be) email is over. */
  customers: number;
  /** Of them, who ordered again in the window (an order not cancelled or refunded in full). */
  reordered: number;
  reorderRate: number | null;
  /** Revenue of their orders in the window, net of refunds, and per customer. */
  revenue: number;
  revenuePerCustomer: number | null;
  /** Their orders in the window containing an item the (would-be) email recommended. */
  recommendedOrders: number;
  /** Customers still inside their window: not counted yet. */
  maturing: number;
}

export interface CurrencyMeasure {
  treated: GroupFigures;
  heldOut: GroupFigures;
  /** Treated minus held-out revenue per customer (one email each), Welch's 95% interval. */
  incrementalPerEmail: Interval | null;
  /** The same times the emailed customers. */
  incrementalTotal: Interval | null;
  /** Treated minus held-out reorder rate, Newcombe's 95% interval. */
  reorderRateLift: Interval | null;
  /** About how many more emails would settle an inconclusive result (null when settled). */
  emailsToSettle: number | null;
  verdict: string;
}

export interface Measure {
  window: string;
  /** Per store, the holdout share in force and since when (a changed share re-draws the groups). */
  periods: { store: string; holdout: number; since: string }[];
  method: { revenue: 'welch'; reorderRate: 'newcombe-hybrid-score'; confidence: 0.95 };
  byCurrency: Record<string, CurrencyMeasure>;
}

interface GroupRow {
  currency: string;
  treated: boolean;
  customers: number;
  reordered: number;
  revenueSum: number;
  revenueSquares: number;
  recommendedOrders: number;
  maturing: number;
}

export async function loadMeasure(
  pool: Pick<pg.Pool, 'query'>,
  opts: { store: string | null; since: Date | null; now: Date; windowMs?: number },
): Promise<Measure> {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const periods = (await pool.query<{ store: string; holdout: number; since: Date }>(queries.periods, [opts.store]))
    .rows;
  const groups =
    periods.length === 0
      ? []
      : (
          await pool.query<GroupRow>(queries.groups, [
            opts.since,
            opts.now,
            windowMs,
            periods.map((p) => p.store),
            periods.map((p) => p.since),
          ])
        ).rows;
  const byCurrency: Record<string, CurrencyMeasure> = {};
  for (const currency of [...new Set(groups.map((g) => g.currency))].sort()) {
    const rows = groups.filter((g) => g.currency === currency);
    byCurrency[currency] = compare(
      currency,
      sample(rows.filter((g) => g.treated)),
      sample(rows.filter((g) => !g.treated)),
    );
  }
  return {
    window: formatDuration(windowMs),
    periods: periods.map((p) => ({
      store: p.store,
      holdout: Number(p.holdout),
      since: new Date(p.since).toISOString(),
    })),
    method: { revenue: 'welch', reorderRate: 'newcombe-hybrid-score', confidence: 0.95 },
    byCurrency,
  };
}

type Summed = GroupFigures & { sample: Sample };

function sample(rows: GroupRow[]): Summed {
  const add = (f: (r: GroupRow) => number) => rows.reduce((sum, r) => sum + Number(f(r) ?? 0), 0);
  const customers = add((r) => r.customers);
  const revenue = add((r) => r.revenueSum);
  const reordered = add((r) => r.reordered);
  return {
    customers,
    reordered,
    reorderRate: customers ? reordered / customers : null,
    revenue: cents(revenue),
    revenuePerCustomer: customers ? cents(revenue / customers) : null,
    recommendedOrders: add((r) => r.recommendedOrders),
    maturing: add((r) => r.maturing),
    sample: { n: customers, sum: revenue, sumOfSquares: add((r) => r.revenueSquares) },
  };
}

function compare(currency: string, treated: Summed, heldOut: Summed): CurrencyMeasure {
  const perEmail = welchInterval(treated.sample, heldOut.sample);
  const scale = (i: Interval, k: number): Interval => ({ estimate: i.estimate * k, low: i.low * k, high: i.high * k });
  const { sample: _t, ...treatedFigures } = treated;
  const { sample: _h, ...heldOutFigures } = heldOut;
  return {
    treated: treatedFigures,
    heldOut: heldOutFigures,
    incrementalPerEmail: perEmail,
    incrementalTotal: perEmail ? scale(perEmail, treated.customers) : null,
    reorderRateLift: rateDifferenceInterval(treated.reordered, treated.customers, heldOut.reordered, heldOut.customers),
    emailsToSettle: perEmail ? emailsToSettle(perEmail, treated.customers) : null,
    verdict: verdict({ currency, perEmail, treated: treated.customers, heldOut: heldOut.customers }),
  };
}

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
