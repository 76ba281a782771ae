// The gate in front of every /admin route (an onRequest hook, so nothing is parsed or queried
// for a caller without the token):
//   public: login and logout;
//   api:    `Authorization: Bearer ADMIN_TOKEN` only, else 401 with no data;
//   page:   the session cookie (or the bearer token), else a redirect to the login form
//           (401 JSON for Bull Board's own API, which the board's script calls).
// Unsafe requests on a cookie must come from our own origin; page forms also carry a CSRF token.
// A signed-out session's cookie is refused like a forged one (sessions.ts).
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { bearerToken, sameToken, SESSION_COOKIE, SessionSigner, type Session } from './auth.js';
import type { AdminDepsSource } from './deps.js';
import { disabledPage } from './pages/login-page.js';
import { liveSession } from './sessions.js';

export type Access = 'public' | 'api' | 'page';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (the gate below); 'page' when absent. */
    access?: Access;
  }
}

export type AdminAuth = { via: 'bearer' } | { via: 'session'; session: Session; signer: SessionSigner };

const authOf = new WeakMap<FastifyRequest, AdminAuth>();

/** How the current request proved itself (set by the gate; absent on public routes). */
export const adminAuth = (req: FastifyRequest): AdminAuth | undefined => authOf.get(req);

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function accessOf(req: FastifyRequest): Access {
  return req.routeOptions.config?.access ?? 'page';
}

const wantsJson = (req: FastifyRequest, access: Access) => access === 'api' || req.url.startsWith('/admin/queues/api/');

/** The API and Bull Board's own API answer JSON; pages and the login form answer a browser HTML. */
export const answersJson = (req: FastifyRequest): boolean => wantsJson(req, accessOf(req));

export function adminGate(deps: AdminDepsSource): onRequestAsyncHookHandler {
  return async function gate(req: FastifyRequest, reply: FastifyReply) {
    const access = accessOf(req);
    const current = deps();
    if (!current) {
      reply.header('retry-after', '2');
      return reply.code(503).send({ error: 'starting up, retry shortly' });
    }
    if (!current.adminToken) {
      const message = 'admin is disabled: set ADMIN_TOKEN to enable it';
      return wantsJson(req, access)
        ? reply.code(404).send({ error: message })
        : reply.code(404).type('text/html; charset=utf-8').send(disabledPage());
    }
    if (access === 'public') return;

    const bearer = bearerToken(req.headers.authorization);
    if (bearer !== undefined && sameToken(bearer, current.adminToken)) {
      authOf.set(req, { via: 'bearer' });
      return;
    }
    if (access === 'page' && bearer === undefined) {
      const signer = new SessionSigner(current.adminToken);
      const session = await liveSession(current.pool, signer, req.cookies?.[SESSION_COOKIE]);
      if (session) {
        if (UNSAFE.has(req.method) && !sameOrigin(req))
          return reply.code(403).send({ error: 'cross-origin request refused' });
        authOf.set(req, { via: 'session', session, signer });
        return;
      }
    }
    if (wantsJson(req, access) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      reply.header('www-authenticate', 'Bearer realm="aftercart-admin"');
      return reply.code(401).send({ error: 'unauthorized' });
    }
    return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}`, 303);
  };
}

/**
 * An Origin (or, lacking one, a Referer) naming another site is refused; none at all is allowed
 * (curl, scripts). Behind a proxy that rewrites Host, X-Forwarded-Host names us too.
 */
function sameOrigin(req: FastifyRequest): boolean {
  const source = req.headers.origin ?? req.headers.referer;
  if (!source) return true;
  let host: string;
  try {
    host = new URL(source).host;
  } catch {
    return false; // "null" origins (sandboxed frames, stripped referrers) prove nothing
  }
  const forwarded = String(req.headers['x-forwarded-host'] ?? '')
    .split(',')[0]!
    .trim();
  return host === req.headers.host || (forwarded !== '' && host === forwarded);
}
