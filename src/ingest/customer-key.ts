// A customer is identified per store by a hash of the lower-cased address (so keys and
// suppressions never hold the address itself), else by the platform's customer id.
import { createHash } from 'node:crypto';
import { normaliseEmail } from './email-address.js';

export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 40);
}

/**
 * The hash an address is keyed and suppressed by: of its normalised form (the address sent to).
 * Text that is no single address hashes as given: it keys its customer (so erasure by the same
 * text finds it) but is never sent to, and matches no real address's suppression.
 */
export function addressHash(email: string): string {
  return emailHash(normaliseEmail(email) ?? email);
}

export function customerKey(customer: { email?: string | null; id?: string | null }): string | null {
  if (customer.email && customer.email.includes('@')) return `e-${addressHash(customer.email)}`;
  if (customer.id) return `c-${customer.id}`;
  return null;
}
