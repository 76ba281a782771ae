// Who a privacy request (erasure, data request) is about: every key, address, platform id and
// order of the customer it names, found from any identifier it carries.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import { addressHash, customerKey } from '../domain/customer-key.js';
import { normaliseEmail } from '../domain/email-address.js';

const queries = { identity: sql(import.meta.url, 'customer-identity') };

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PrivacyRequest {
  store: string;
  email?: string;
  customerId?: string;
  orderIds?: string[];
}

export interface CustomerIdentity {
  /** Every customer key: of each address ('e-…') and of the platform id ('c-…'). */
  keys: string[];
  customerIds: string[];
  /** Every address stored for the customer, and the request's. */
  emails: string[];
  orderIds: string[];
  /** What suppressions are keyed by, for each address (also those only the keys remember). */
  addressHashes: string[];
}

export async function identify(db: Queryable, request: PrivacyRequest): Promise<CustomerIdentity> {
  const emailKey = request.email ? customerKey({ email: request.email }) : null;
  const idKey = request.customerId ? customerKey({ id: request.customerId }) : null;
  const { rows } = await db.query<Omit<CustomerIdentity, 'addressHashes'>>(queries.identity, [
    request.store,
    emailKey,
    request.customerId ?? null,
    request.orderIds ?? [],
    idKey,
  ]);
  const found = rows[0]!;
  const emails = unique([...found.emails, ...(request.email ? [normaliseEmail(request.email) ?? request.email] : [])]);
  // A key 'e-<hash>' is the hash of an address that may be stored nowhere else any more.
  const hashes = [...found.keys.filter((k) => k.startsWith('e-')).map((k) => k.slice(2)), ...emails.map(addressHash)];
  return { ...found, emails, addressHashes: unique(hashes) };
}

/** The customer's key a request is filed under: of its address, else of its platform id. */
export function requestKey(request: PrivacyRequest, who: CustomerIdentity): string {
  return customerKey({ email: request.email, id: request.customerId }) ?? who.keys[0] ?? 'unknown';
}

/**
 * Regular expressions (Postgres ARE) finding each of the customer's order and customer ids as a
 * whole token in lower-cased payload text: order 1001 is not the 1001 in 210015 or in a price 1001.50.
 */
export function idPatterns(who: CustomerIdentity): string[] {
  const escaped = (id: string) => id.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return unique([...who.orderIds, ...who.customerIds]).map((id) => `(^|[^a-z0-9_.-])${escaped(id)}($|[^a-z0-9_.-])`);
}

const unique = (values: string[]) => [...new Set(values)];
