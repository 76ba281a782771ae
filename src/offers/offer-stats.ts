// The bundle offers' figures for `stats` and the admin: codes issued and redeemed, the revenue
// through codes (beside the window-based attributed revenue), and the pools running low.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import { poolLeft } from './codes/pool.js';

const q = sql(import.meta.url, 'offer-stats');

/** Below this many unused codes a pool is reported as running low. */
export const LOW_POOL = 100;

export interface OfferStats {
  /** Emails sent with a code made for them (pool or API). */
  codesIssued: number;
  /** Of those, emails whose code a later order used (not cancelled or refunded in full). */
  codesRedeemed: number;
  /** Those orders' revenue per currency, exact decimal strings. */
  revenueThroughCodes: Record<string, string>;
  /** Emails sent without the bundle panel, and why (pool_empty, api_timeout…). */
  withoutPanel: number;
  withoutPanelReasons: Record<string, number>;
  /** Unused codes per store's pool. */
  poolLeft: Record<string, number>;
  /** Stores whose pool has fewer than LOW_POOL codes left. */
  lowPools: string[];
}

export async function loadOfferStats(
  pool: Pick<pg.Pool, 'query'>,
  opts: { store?: string | null; since?: Date | null },
): Promise<OfferStats> {
  const [{ rows }, left] = await Promise.all([
    pool.query(q, [opts.store ?? null, opts.since ?? null]),
    poolLeft(pool, opts.store),
  ]);
  const r = rows[0];
  return {
    codesIssued: r.codesIssued,
    codesRedeemed: r.codesRedeemed,
    revenueThroughCodes: r.revenueThroughCodes,
    withoutPanel: r.withoutPanel,
    withoutPanelReasons: r.withoutPanelReasons,
    poolLeft: left,
    lowPools: Object.entries(left)
      .filter(([, n]) => n < LOW_POOL)
      .map(([store]) => store),
  };
}

/** The lines `stats` prints (none when no offer was ever made and no pool exists). */
export function formatOfferStats(o: OfferStats): string[] {
  if (o.codesIssued === 0 && o.withoutPanel === 0 && Object.keys(o.poolLeft).length === 0) return [];
  const revenue =
    Object.entries(o.revenueThroughCodes)
      .map(([c, v]) => `${c} ${v}`)
      .join(', ') || 'none yet';
  const lines = [
    `  bundle codes        ${o.codesIssued} issued, ${o.codesRedeemed} redeemed, revenue through codes ${revenue}`,
  ];
  if (o.withoutPanel) {
    lines.push(
      `    sent without the bundle panel: ${o.withoutPanel} (${Object.entries(o.withoutPanelReasons)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ')})`,
    );
  }
  for (const [store, n] of Object.entries(o.poolLeft)) {
    lines.push(
      `    pool ${store}: ${n} codes left${n < LOW_POOL ? ` — WARNING: below ${LOW_POOL}, import more (aftercart import codes FILE --store ${store})` : ''}`,
    );
  }
  return lines;
}
