// Learned delays per product type, read from the store's history and cached per store: the
// figure changes slowly, and the webhook path must not pay for it on every order.
import type pg from 'pg';
import { sql } from '../db/sql.js';

const learnedDelaysSql = sql(import.meta.url, 'learned-delays');

export type LearnedDelays = Record<string, { medianMs: number; samples: number }>;

export async function loadLearnedDelays(pool: Pick<pg.Pool, 'query'>, store: string): Promise<LearnedDelays> {
  const { rows } = await pool.query<{ type: string; medianMs: string; samples: number }>(learnedDelaysSql, [store]);
  return Object.fromEntries(rows.map((r) => [r.type, { medianMs: Number(r.medianMs), samples: r.samples }]));
}

export class LearnedDelayCache {
  private readonly cache = new Map<string, { at: number; value: Promise<LearnedDelays> }>();

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    /** Only stores whose config uses `learned` pay for the query. */
    private readonly inUse: () => boolean,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async get(store: string): Promise<LearnedDelays | undefined> {
    if (!this.inUse()) return undefined;
    const hit = this.cache.get(store);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = loadLearnedDelays(this.pool, store).catch(() => ({}));
    this.cache.set(store, { at: Date.now(), value });
    return value;
  }
}

export function usesLearnedDelay(timing: { default: { delay: unknown }; rules: { delay?: unknown }[] }): boolean {
  return timing.default.delay === 'learned' || timing.rules.some((r) => r.delay === 'learned');
}
