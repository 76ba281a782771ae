// HMAC-SHA256 signatures compared in constant time (node:crypto; no signing library at runtime).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256Base64(key: string | Buffer, ...parts: (string | Buffer)[]): string {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest('base64');
}

/** Equal strings, in time independent of where they differ. timingSafeEqual throws on unequal
 * lengths, so the length is checked first (it is not secret: every signature has the same one). */
export function sameSignature(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
