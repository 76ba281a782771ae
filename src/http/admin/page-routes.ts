// The browser side of /admin: login and logout, the dashboard, and the dashboard's two forms
// (send now, cancel). Forms POST and redirect back (303), so the page works without script.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { loadStats } from '../../stats/funnel.js';
import { parseSince } from '../../stats/since.js';
import { explainOrder } from '../../explain/explain-order.js';
import { sql } from '../../db/sql.js';
import { safeNext, sameToken, SESSION_COOKIE, SessionSigner } from './auth.js';
import { adminAuth, type Access } from './access.js';
import type { AdminDepsSource } from './deps.js';
import { cancelCrossSell, isCrossSellId, sendNow, type ActionResult } from './cross-sell-actions.js';
import { queryValue as clean, sendHtml, sessionCookieOptions } from './respond.js';
import { loginPage } from './pages/login-page.js';
import { dashboardPage, type DashboardView, type FoundCrossSell } from './pages/dashboard-page.js';

const crossSellIds = sql(import.meta.url, 'cross-sell-ids');
const publicRoute = { config: { access: 'public' as Access } };

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

  app.get<{ Querystring: { next?: string; out?: string } }>('/login', publicRoute, async (req, reply) => {
    const next = safeNext(req.query.next);
    if (new SessionSigner(d().adminToken!).verify(req.cookies[SESSION_COOKIE])) return reply.redirect(next, 303);
    return sendHtml(reply, loginPage({ next, loggedOut: req.query.out === '1' }));
  });

  app.post('/login', publicRoute, async (req, reply) => {
    const form = (req.body ?? {}) as Form;
    const next = safeNext(form.next);
    if (typeof form.token !== 'string' || !sameToken(form.token.trim(), d().adminToken!)) {
      req.log.warn('admin login refused');
      return sendHtml(reply, loginPage({ next, failed: true }), 401);
    }
    reply.setCookie(SESSION_COOKIE, new SessionSigner(d().adminToken!).issue(), sessionCookieOptions(req));
    return reply.redirect(next, 303);
  });

  // Stateless sessions: signing out drops the cookie (rotate ADMIN_TOKEN to end every session).
  app.post('/logout', publicRoute, async (req, reply) => {
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
    const [stats, found] = await Promise.all([
      loadStats(pool, { since, store }),
      orderId ? findOrder(pool, explain, orderId, store) : undefined,
    ]);
    const auth = adminAuth(req);
    const view: DashboardView = {
      stats,
      csrf: auth?.via === 'session' ? auth.signer.csrfToken(auth.session) : '',
      filter: { since: since?.toISOString().slice(0, 10), store },
      search: orderId && found ? { orderId, found } : undefined,
      notice,
    };
    return sendHtml(reply, dashboardPage(view));
  });

  const action = (run: typeof sendNow, done: string) => async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const form = (req.body ?? {}) as Form;
    const auth = adminAuth(req);
    // A cookie rides along on any request the browser makes; the CSRF token proves it was our form.
    if (auth?.via === 'session' && !auth.signer.checkCsrf(auth.session, form._csrf)) {
      return reply.code(403).send({ error: 'invalid or missing CSRF token; reload the page and try again' });
    }
    if (!isCrossSellId(req.params.id)) return reply.code(400).send({ error: 'invalid cross-sell id' });
    const result: ActionResult = await run(d().pool, d().queue, req.params.id);
    req.log.info({ crossSellId: req.params.id, action: done, ok: result.ok }, 'admin action');
    const back = new URL(safeNext(form.back), 'http://admin.invalid');
    back.searchParams.set('notice', result.ok ? done : result.code === 404 ? 'not-found' : 'refused');
    return reply.redirect(back.pathname + back.search, 303);
  };
  app.post('/cross-sells/:id/send-now', action(sendNow, 'sent-now'));
  app.post('/cross-sells/:id/cancel', action(cancelCrossSell, 'cancelled'));
}

async function findOrder(pool: pg.Pool, explain: typeof explainOrder, orderId: string, store?: string): Promise<FoundCrossSell[]> {
  const [explained, ids] = await Promise.all([
    explain(pool, orderId, store),
    pool.query<{ id: string; store: string }>(crossSellIds, [orderId, store ?? null]),
  ]);
  const idOf = new Map(ids.rows.map((r) => [r.store, r.id]));
  return explained.map((e) => ({ ...e, id: idOf.get(e.store) ?? null }));
}
