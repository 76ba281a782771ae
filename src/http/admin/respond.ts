// Small helpers shared by the admin routes: HTML answers with strict headers, and the session
// cookie's attributes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { SESSION_TTL_MS } from './auth.js';
import { adminAuth } from './access.js';

// Our pages run no script and load nothing: a strict policy costs nothing and stops framing.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendHtml(reply: FastifyReply, body: string, code = 200): FastifyReply {
  return reply
    .code(code)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/** Secure when the browser reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function sessionCookieOptions(req: FastifyRequest): CookieSerializeOptions {
  const https =
    req.protocol === 'https' ||
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]!
      .trim() === 'https';
  return {
    path: '/admin',
    httpOnly: true,
    sameSite: 'strict',
    secure: https,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  };
}

/**
 * Every admin action is one line, the same for the page and the API: what was done, to which
 * ids, by which credential and from where. Never an address or a token.
 */
export function logAdminAction(req: FastifyRequest, action: string, ids: Record<string, unknown> = {}): void {
  req.log.info({ action, ...ids, via: adminAuth(req)?.via ?? 'form', ip: req.ip }, 'admin action');
}
