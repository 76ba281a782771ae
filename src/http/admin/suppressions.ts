// Suppression admin (issue 7): list, add and lift suppressions. Addresses are keyed by their
// hash like everywhere else; store '*' suppresses an address in every store.
import type pg from 'pg';
import { z } from 'zod';
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

const STORE = '"store" is required (a store, or "*" for every store)';
const EMAIL = '"email" must be a single plain email address (local@domain)';
const EMAIL_OR_HASH = 'give "email" (a single plain email address) or "emailHash"';
const NOT_AN_OBJECT = 'expected a JSON object body';

const store = z
  .string({ error: STORE })
  .refine((text) => text.trim() !== '' && text.length <= 255, STORE)
  .transform((text) => text.trim());

/** The address as it is sent to: `Name <a@x>` or a list would suppress nobody who is emailed. */
const address = z.string({ error: EMAIL }).transform((raw, ctx) => {
  const email = normaliseEmail(raw);
  if (email) return email;
  ctx.addIssue({ code: 'custom', message: EMAIL });
  return z.NEVER;
});

/** POST /admin/api/suppressions (JSON or a form). */
export const addSuppressionBody = z.object(
  {
    store,
    email: address,
    reason: z
      .enum(SUPPRESSION_REASONS, { error: `"reason" must be one of ${SUPPRESSION_REASONS.join(', ')}` })
      .nullish()
      .transform((reason) => reason ?? 'manual'),
  },
  { error: NOT_AN_OBJECT },
);

/** DELETE /admin/api/suppressions: by address, or by its hash (an erased customer's row has no address). */
export const removeSuppressionBody = z
  .object({ store, email: z.unknown().optional(), emailHash: z.unknown().optional() }, { error: NOT_AN_OBJECT })
  .transform(({ store, email, emailHash: hash }, ctx) => {
    const address = typeof email === 'string' ? normaliseEmail(email) : null;
    if (address) return { store, email: address };
    if (typeof hash === 'string' && /^[0-9a-f]{40}$/.test(hash)) return { store, emailHash: hash };
    ctx.addIssue({ code: 'custom', message: EMAIL_OR_HASH, path: ['email'] });
    return z.NEVER;
  });

export async function listSuppressions(
  pool: pg.Pool,
  filter: { store?: string; email?: string; limit?: number },
): Promise<Suppression[]> {
  const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), 1_000);
  const { rows } = await pool.query(queries.list, [
    filter.store || null,
    filter.email ? addressHash(filter.email) : null,
    limit,
  ]);
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
}

export async function addSuppression(
  pool: pg.Pool,
  input: z.output<typeof addSuppressionBody>,
): Promise<{ created: boolean; store: string; emailHash: string; reason: string }> {
  // An existing suppression keeps its reason, unless this one is an unsubscribe (suppress()).
  const result = await suppress(pool, { store: input.store, address: input.email, reason: input.reason });
  return { ...result, store: input.store, emailHash: emailHash(input.email) };
}

export async function removeSuppression(
  pool: pg.Pool,
  input: z.output<typeof removeSuppressionBody>,
): Promise<{ removed: number; store: string; emailHash: string }> {
  const hash = input.email !== undefined ? emailHash(input.email) : input.emailHash;
  const { rowCount } = await pool.query(queries.remove, [input.store, hash]);
  return { removed: rowCount ?? 0, store: input.store, emailHash: hash };
}
