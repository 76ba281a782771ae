// The one writer of suppressions (unsubscribes, bounces, complaints, an operator's entries),
// with the one policy on which reason a suppression keeps when its address is suppressed again.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import { emailHash } from '../domain/customer-key.js';

const q = { suppress: sql(import.meta.url, 'suppress'), reason: sql(import.meta.url, 'suppression-reason') };

export const SUPPRESSION_REASONS = ['manual', 'unsubscribed', 'bounced', 'complained'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface SuppressionInput {
  /** The store, or '*' for every store. */
  store: string;
  /** One plain address, as normaliseEmail() returns it: the address sent to. */
  address: string;
  reason: SuppressionReason;
}

/**
 * Suppresses an address. Which reason wins when it is already suppressed for the store: an
 * unsubscribe replaces any other reason; otherwise the reason first recorded stays.
 * Why: an unsubscribe is the customer's own choice, reported as such (SPEC's `unsubscribed`,
 * which customer_figures() already prefers across stores). Left under a bounce or a manual
 * entry, it would be lifted with them when an operator removes that row (a mailbox fixed, a
 * mistake undone), and the customer emailed again. Every other reason stops sending alike, so
 * the first recorded stays as the record of why the address stopped.
 */
export async function suppress(
  db: Queryable,
  s: SuppressionInput,
): Promise<{ created: boolean; reason: SuppressionReason }> {
  const hash = emailHash(s.address);
  const values = [s.store, hash, s.address.toLowerCase(), s.reason];
  const { rows } = await db.query<{ reason: SuppressionReason; created: boolean }>(q.suppress, values);
  if (rows[0]) return rows[0];
  // Inserted by a concurrent transaction after this statement's snapshot: read what it wrote.
  const again = await db.query<{ reason: SuppressionReason }>(q.reason, [s.store, hash]);
  return { created: false, reason: again.rows[0]?.reason ?? s.reason };
}
