// Who may use /admin: the bearer of ADMIN_TOKEN (API, scripts) or a browser holding a session
// cookie issued by the login form. The cookie carries its issue time and a random nonce, MAC'd
// with a key derived from ADMIN_TOKEN, so rotating the token signs everybody out; signing out
// revokes one session's nonce (sessions.ts). The CSRF token of a form is a MAC of the session's
// nonce: tied to the cookie.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'aftercart_admin';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Constant-time comparison of a presented token with ADMIN_TOKEN, whatever their lengths. */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export interface Session {
  nonce: string;
  issuedAt: number;
}

export class SessionSigner {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    this.key = createHmac('sha256', adminToken).update('aftercart admin session v1').digest();
  }

  issue(now = Date.now()): string {
    const body = `${now.toString(36)}.${randomBytes(18).toString('base64url')}`;
    return `${body}.${this.mac(body)}`;
  }

  verify(cookie: string | undefined, now = Date.now()): Session | null {
    if (!cookie) return null;
    const parts = cookie.split('.');
    if (parts.length !== 3) return null;
    const [issued, nonce, mac] = parts as [string, string, string];
    if (!equalStrings(mac, this.mac(`${issued}.${nonce}`))) return null;
    const issuedAt = parseInt(issued, 36);
    if (!Number.isFinite(issuedAt) || issuedAt > now + 60_000 || now - issuedAt > SESSION_TTL_MS) return null;
    return { nonce, issuedAt };
  }

  csrfToken(session: Session): string {
    return this.mac(`csrf.${session.nonce}`);
  }

  checkCsrf(session: Session, given: unknown): boolean {
    return typeof given === 'string' && equalStrings(given, this.csrfToken(session));
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }
}

function equalStrings(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // timingSafeEqual throws on unequal lengths; the length of a MAC is no secret.
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Where to go after logging in: only a path inside /admin, never another site. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string') return '/admin';
  if (!/^\/admin(?:[/?#]|$)/.test(next) || next.includes('\\') || /[\u0000-\u001f]/.test(next)) return '/admin';
  return next;
}
