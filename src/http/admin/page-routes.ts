// The browser side of /admin: login and logout, the dashboard, and the dashboard's two forms
// (send now, cancel). Forms POST and redirect back (303), so the page works without script.
// Every form, the sign-out button included, carries the session's CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { loadStats } from '../../stats/funnel.js';
import { parseSince } from '../../stats/since.js';
import { explainOrder } from '../../explain/explain-order.js';
import { settingsSource, storesWithoutAddress } from '../../config/store-settings.js';
import { knownStores } from '../../stores/known-stores.js';
import type { Config } from '../../config/schema.js';
import { sql } from '../../db/sql.js';
import { safeNext, sameToken, SESSION_COOKIE, SessionSigner } from './auth.js';
import { adminAuth, type Access } from './access.js';
import { liveSession, revokeSession } from './sessions.js';
import { loginLimit } from './login-limit.js';
import type { AdminDepsSource } from './deps.js';
import { cancelCrossSell, isCrossSellId, sendNow, type ActionResult } from './cross-sell-actions.js';
import { logAdminAction, queryValue as clean, sendHtml, sessionCookieOptions } from './respond.js';
import { loginPage } from './pages/login-page.js';
import { dashboardPage, type DashboardView, type FoundCrossSell } from './pages/dashboard-page.js';

const crossSellIds = sql(import.meta.url, 'cross-sell-ids');
const publicRoute = { config: { access: 'public' as Access } };
// A cookie rides along on any request the browser makes; the CSRF token proves it was our form.
const CSRF_REFUSED = { error: 'invalid or missing CSRF token; reload the page and try again' };

// Only these notices exist: the redirect carries a key, never text to reflect.
const NOTICES: Record<string, { text: string; bad?: boolean }> = {
  'sent-now': { text: 'Done: the cross-sell is due now and will be sent in a moment.' },
  cancelled: { text: 'Done: the cross-sell is cancelled and will not be sent.' },
  refused: { text: 'Nothing changed: that cross-sell can no longer be sent now or cancelled.', bad: true },
  'not-found': { text: 'Nothing changed: no such cross-sell.', bad: true },
};

type Form = Record<string, unknown>;

export async function pageRoutes(app: FastifyInstance, opts: { deps: AdminDepsSource }): Promise<void> {
  const d = () => opts.deps()!; // the gate answered 503/404 already when these are missing
  const limit = loginLimit(app);
  const signer = () => new SessionSigner(d().adminToken!);

  app.get<{ Querystring: { next?: string; out?: string } }>('/login', publicRoute, async (req, reply) => {
    const next = safeNext(req.query.next);
    if (await liveSession(d().pool, signer(), req.cookies[SESSION_COOKIE])) return reply.redirect(next, 303);
    return sendHtml(reply, loginPage({ next, loggedOut: req.query.out === '1' }));
  });

  app.post('/login', publicRoute, async (req, reply) => {
    const form = (req.body ?? {}) as Form;
    const next = safeNext(form.next);
    const wait = await limit.blockedFor(req);
    if (wait > 0) {
      req.log.warn({ ip: req.ip, retryAfter: wait }, 'admin login refused: too many failed attempts');
      reply.header('retry-after', String(wait));
      return sendHtml(reply, loginPage({ next, retryAfter: wait }), 429);
    }
    if (typeof form.token !== 'string' || !sameToken(form.token.trim(), d().adminToken!)) {
      await limit.failed(req);
      req.log.warn({ ip: req.ip }, 'admin login refused: wrong token');
      return sendHtml(reply, loginPage({ next, failed: true }), 401);
    }
    reply.setCookie(SESSION_COOKIE, signer().issue(), sessionCookieOptions(req));
    logAdminAction(req, 'login');
    return reply.redirect(next, 303);
  });

  // Ends the session for good (sessions.ts), not just the cookie. Without a live session there
  // is nothing to end or to forge: the cookie is dropped all the same.
  app.post('/logout', publicRoute, async (req, reply) => {
    const session = await liveSession(d().pool, signer(), req.cookies[SESSION_COOKIE]);
    if (session) {
      if (!signer().checkCsrf(session, ((req.body ?? {}) as Form)._csrf)) return reply.code(403).send(CSRF_REFUSED);
      await revokeSession(d().pool, session);
      logAdminAction(req, 'logout');
    }
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    return reply.redirect('/admin/login?out=1', 303);
  });

  app.get<{ Querystring: { order?: string; store?: string; since?: string; notice?: string } }>('/', async (req, reply) => {
    const { pool } = d();
    const explain = d().explain ?? explainOrder;
    const query = req.query;
    const store = clean(query.store);
    const orderId = clean(query.order);
    let notice = query.notice ? NOTICES[query.notice] : undefined;
    let since: Date | undefined;
    try {
      since = parseSince(clean(query.since));
    } catch (err) {
      notice = { text: (err as Error).message, bad: true };
    }
    const config = d().config?.();
    const [stats, found, stores] = await Promise.all([
      loadStats(pool, { since, store, measureWindowMs: config?.measure.window }),
      orderId ? findOrder(pool, explain, orderId, store, config) : undefined,
      knownStores(pool, config),
    ]);
    const auth = adminAuth(req);
    const view: DashboardView = {
      stats,
      csrf: auth?.via === 'session' ? auth.signer.csrfToken(auth.session) : '',
      filter: { since: since?.toISOString().slice(0, 10), store },
      stores,
      settings: config && store ? settingsSource(config, store) : undefined,
      missingAddress: config ? storesWithoutAddress(config, stores) : undefined,
      search: orderId && found ? { orderId, found } : undefined,
      notice,
    };
    return sendHtml(reply, dashboardPage(view));
  });

  const action = (run: typeof sendNow, done: string) => async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const form = (req.body ?? {}) as Form;
    const auth = adminAuth(req);
    if (auth?.via === 'session' && !auth.signer.checkCsrf(auth.session, form._csrf)) return reply.code(403).send(CSRF_REFUSED);
    if (!isCrossSellId(req.params.id)) return reply.code(400).send({ error: 'invalid cross-sell id' });
    const result: ActionResult = await run(d().pool, d().queue, req.params.id);
    logAdminAction(req, done, { crossSellId: req.params.id, ok: result.ok });
    const back = new URL(safeNext(form.back), 'http://admin.invalid');
    back.searchParams.set('notice', result.ok ? done : result.code === 404 ? 'not-found' : 'refused');
    return reply.redirect(back.pathname + back.search, 303);
  };
  app.post('/cross-sells/:id/send-now', action(sendNow, 'sent-now'));
  app.post('/cross-sells/:id/cancel', action(cancelCrossSell, 'cancelled'));
}

async function findOrder(pool: pg.Pool, explain: typeof explainOrder, orderId: string, store?: string, config?: Config): Promise<FoundCrossSell[]> {
  const [explained, ids] = await Promise.all([
    explain(pool, orderId, store, config),
    pool.query<{ id: string; store: string }>(crossSellIds, [orderId, store ?? null]),
  ]);
  const idOf = new Map(ids.rows.map((r) => [r.store, r.id]));
  return explained.map((e) => ({ ...e, id: idOf.get(e.store) ?? null }));
}
