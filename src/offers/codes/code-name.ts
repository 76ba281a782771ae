// The code string an API-made code gets: the prefix and ten characters derived from the
// cross-sell id under the install's secret, so it is the same on every retry (a retry looks it up
// before creating again) and cannot be guessed from the id.

// Crockford's base32 without I, L, O, U: nothing a customer can misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `keyed` is a keyed hash of the cross-sell id (base64url), e.g. a link signature. */
export function codeName(prefix: string, keyed: string): string {
  const bytes = Buffer.from(keyed, 'base64url');
  let bits = 0n;
  for (const b of bytes.subarray(0, 8)) bits = (bits << 8n) | BigInt(b);
  let out = '';
  // The top 50 of 64 bits, five at a time.
  for (let i = 1; i <= 10; i++) out += ALPHABET[Number((bits >> BigInt(64 - 5 * i)) & 31n)];
  return `${prefix}${out}`;
}
