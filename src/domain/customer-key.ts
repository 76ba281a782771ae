// A customer is identified per store by a keyed hash of the lower-cased address (so keys and
// suppressions never hold the address itself, and a database dump cannot be tested against
// guessed addresses without the install's secret), else by a keyed hash of the platform's id.
import { createHash, createHmac } from 'node:crypto';
import { normaliseEmail } from './email-address.js';

let addressKey: Buffer | undefined;

/**
 * Loads the key every address hash is made with, derived from the install's secret (LINK_SECRET
 * or the data dir's link-secret). Set once at start-up by src/privacy/address-key.ts, which also
 * checks it is the key the database's rows were made with.
 */
export function useAddressKey(secret: string): void {
  addressKey = createHmac('sha256', secret).update('aftercart address key v1').digest();
}

function key(): Buffer {
  if (!addressKey)
    throw new Error('the address key is not loaded: call openAddressKey() at start-up (src/privacy/address-key.ts)');
  return addressKey;
}

/** Names the loaded key (stored in address_keys) without revealing it. */
export function addressKeyFingerprint(): string {
  return createHmac('sha256', key()).update('fingerprint').digest('hex').slice(0, 16);
}

/**
 * The keyed hash of a bare hash (sha256, 40 hex), as stored before migration 0014: keying the
 * bare hash rather than the address lets those rows be re-keyed without knowing the address.
 */
export function keyedHash(bareHash: string): string {
  return createHmac('sha256', key()).update(bareHash).digest('hex').slice(0, 40);
}

/** The one function an address (or any text recognised later) is hashed by. */
export function emailHash(email: string): string {
  return keyedHash(createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 40));
}

/**
 * The hash an address is keyed and suppressed by: of its normalised form (the address sent to).
 * Text that is no single address hashes as given: it keys its customer (so erasure by the same
 * text finds it) but is never sent to, and matches no real address's suppression.
 */
export function addressHash(email: string): string {
  return emailHash(normaliseEmail(email) ?? email);
}

/** By address ('e-'), else by the platform's id ('c-'), hashed too: an erasure's tombstone keeps neither. */
export function customerKey(customer: { email?: string | null; id?: string | null }): string | null {
  if (customer.email && customer.email.includes('@')) return `e-${addressHash(customer.email)}`;
  if (customer.id)
    return `c-${keyedHash(createHash('sha256').update(`customer id ${customer.id}`).digest('hex').slice(0, 40))}`;
  return null;
}
