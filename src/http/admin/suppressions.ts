// Suppression admin (issue 7): list, add and lift suppressions. Addresses are keyed by their
// hash like everywhere else; store '*' suppresses an address in every store.
import type pg from 'pg';
import { addressHash, emailHash } from '../../domain/customer-key.js';
import { normaliseEmail } from '../../domain/email-address.js';
import { sql } from '../../db/sql.js';
import { suppress, SUPPRESSION_REASONS, type SuppressionReason } from '../../privacy/suppressions.js';

const queries = {
  list: sql(import.meta.url, 'list-suppressions'),
  remove: sql(import.meta.url, 'remove-suppression'),
};

export { SUPPRESSION_REASONS, type SuppressionReason };

export interface Suppression {
  store: string;
  emailHash: string;
  email: string | null;
  reason: string;
  createdAt: string;
}

export class SuppressionInputError extends Error {}

export async function listSuppressions(pool: pg.Pool, filter: { store?: string; email?: string; limit?: number }): Promise<Suppression[]> {
  const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), 1_000);
  const { rows } = await pool.query(queries.list, [filter.store || null, filter.email ? addressHash(filter.email) : null, limit]);
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
}

export async function addSuppression(pool: pg.Pool, input: { store?: unknown; email?: unknown; reason?: unknown }): Promise<{ created: boolean; store: string; emailHash: string; reason: string }> {
  const store = requireStore(input.store);
  // The address as it is sent to: `Name <a@x>` or a list would suppress nobody who is emailed.
  const address = typeof input.email === 'string' ? normaliseEmail(input.email) : null;
  if (!address) throw new SuppressionInputError('"email" must be a single plain email address (local@domain)');
  const reason = input.reason ?? 'manual';
  if (typeof reason !== 'string' || !(SUPPRESSION_REASONS as readonly string[]).includes(reason)) {
    throw new SuppressionInputError(`"reason" must be one of ${SUPPRESSION_REASONS.join(', ')}`);
  }
  // An existing suppression keeps its reason, unless this one is an unsubscribe (suppress()).
  const result = await suppress(pool, { store, address, reason: reason as SuppressionReason });
  return { ...result, store, emailHash: emailHash(address) };
}

/** Lifts a suppression by address, or by its hash (an erased customer's row has no address). */
export async function removeSuppression(pool: pg.Pool, input: { store?: unknown; email?: unknown; emailHash?: unknown }): Promise<{ removed: number; store: string; emailHash: string }> {
  const store = requireStore(input.store);
  let hash: string;
  const address = typeof input.email === 'string' ? normaliseEmail(input.email) : null;
  if (address) hash = emailHash(address);
  else if (typeof input.emailHash === 'string' && /^[0-9a-f]{40}$/.test(input.emailHash)) hash = input.emailHash;
  else throw new SuppressionInputError('give "email" (a single plain email address) or "emailHash"');
  const { rowCount } = await pool.query(queries.remove, [store, hash]);
  return { removed: rowCount ?? 0, store, emailHash: hash };
}

function requireStore(store: unknown): string {
  if (typeof store !== 'string' || store.trim() === '' || store.length > 255) throw new SuppressionInputError('"store" is required (a store, or "*" for every store)');
  return store.trim();
}
