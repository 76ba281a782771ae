// Who is held out (issue 20): a keyed hash of the customer key, so a customer stays in one group
// for the life of a holdout share. The share is part of what is hashed: changing it re-draws
// everyone, and holdout_periods (migrations/0016) says from when the current share holds.
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import type { QueryRunner } from '../db/sql.js';
import { sql } from '../db/sql.js';

const queries = { recordPeriod: sql(import.meta.url, 'record-period') };

/**
 * A uniform draw in [0, 1) for this customer under this share. The customer key is itself keyed
 * by the install's secret (src/domain/customer-key.ts), so the groups cannot be predicted from an
 * address; the label keeps this draw apart from any other use of the key.
 */
export function holdoutDraw(store: string, customerKey: string, share: number): number {
  const digest = createHmac('sha256', 'aftercart holdout v1')
    .update(`${shareText(share)}\n${store}\n${customerKey}`)
    .digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Held out: a known customer whose draw falls under the share. No key, no group. */
export function isHeldOut(store: string, customerKey: string | null, share: number): boolean {
  return share > 0 && customerKey !== null && holdoutDraw(store, customerKey, share) < share;
}

/** The share as stored (numeric(4,3)): 0.1 and 0.10000001 are one setting. */
export function shareText(share: number): string {
  return share.toFixed(3);
}

// Shares recorded lately, per pool and store: one statement a minute, not one per send. Re-checked
// so that a process whose share another process changed records its own again (a rolling deploy).
const recorded = new WeakMap<object, Map<string, { share: string; at: number }>>();
const RECHECK_MS = 60_000;

/** Notes the share in force for a store from now, unless it is already the store's latest. */
export async function recordHoldoutPeriod(
  pool: Pick<pg.Pool, 'query'>,
  run: QueryRunner,
  store: string,
  share: number,
  now: Date,
): Promise<void> {
  const seen = recorded.get(pool) ?? new Map<string, { share: string; at: number }>();
  recorded.set(pool, seen);
  const last = seen.get(store);
  if (last?.share === shareText(share) && Date.now() - last.at < RECHECK_MS) return;
  await run('record-holdout-period', queries.recordPeriod, [store, shareText(share), now]);
  seen.set(store, { share: shareText(share), at: Date.now() });
}
