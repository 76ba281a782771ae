// A customer is identified per store by a hash of the lower-cased address (so keys and
// suppressions never hold the address itself), else by the platform's customer id.
import { createHash } from 'node:crypto';

export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 40);
}

export function customerKey(customer: { email?: string | null; id?: string | null }): string | null {
  if (customer.email && customer.email.includes('@')) return `e-${emailHash(customer.email)}`;
  if (customer.id) return `c-${customer.id}`;
  return null;
}
