// Pool codes: imported with `aftercart import codes FILE --store S`, each taken by one email.
import type pg from 'pg';
import { sql } from '../../db/sql.js';
import type { IssueResult } from './issuer.js';

const takeCode = sql(new URL('../', import.meta.url).href, 'take-pool-code');

/** The code of this cross-sell, or a free one taken for it now; `pool_empty` when none is left. */
export async function takePoolCode(
  pool: Pick<pg.Pool, 'query'>,
  store: string,
  crossSellId: string,
  expiresAt: Date,
): Promise<IssueResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const { rows } = await pool.query<{ code: string }>(takeCode, [store, crossSellId, expiresAt]);
      return rows[0] ? { ok: true, code: rows[0].code } : { ok: false, reason: 'pool_empty' };
    } catch (err) {
      // Another worker gave this same cross-sell a code at the same moment: read that one.
      if ((err as { code?: string }).code !== '23505') throw err;
    }
  }
  return { ok: false, reason: 'pool_empty' };
}

export interface PoolImport {
  added: number;
  /** Codes listed twice in the file, or already in the store's pool. */
  duplicates: string[];
}

/** Adds codes to a store's pool; a code seen before (case-insensitively) is reported, not added. */
export async function addPoolCodes(pool: Pick<pg.Pool, 'query'>, store: string, codes: string[]): Promise<PoolImport> {
  const seen = new Set<string>();
  const unique: string[] = [];
  const duplicates: string[] = [];
  for (const code of codes) {
    const key = code.toUpperCase();
    if (seen.has(key)) duplicates.push(code);
    else (seen.add(key), unique.push(code));
  }
  let added = 0;
  for (let i = 0; i < unique.length; i += 5_000) {
    const batch = unique.slice(i, i + 5_000);
    const { rows } = await pool.query<{ code: string }>(
      `INSERT INTO offer_codes (store, code, source) SELECT $1, c, 'pool' FROM unnest($2::text[]) AS c
       ON CONFLICT DO NOTHING RETURNING code`,
      [store, batch],
    );
    added += rows.length;
    const inserted = new Set(rows.map((r) => r.code));
    duplicates.push(...batch.filter((c) => !inserted.has(c)));
  }
  return { added, duplicates };
}

/** Unused codes per store's pool. */
export async function poolLeft(pool: Pick<pg.Pool, 'query'>, store?: string | null): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ store: string; n: number }>(
    `SELECT store, count(*) FILTER (WHERE issued_at IS NULL)::int AS n FROM offer_codes
      WHERE source = 'pool' AND ($1::text IS NULL OR store = $1) GROUP BY store ORDER BY store`,
    [store ?? null],
  );
  return Object.fromEntries(rows.map((r) => [r.store, r.n]));
}
