// The browser side of /admin: login and logout, the dashboard, and the dashboard's two forms
// (send now, cancel). Forms POST and redirect back (303), so the page works without script.
// Every form, the sign-out button included, carries the session's CSRF token.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
import { loginLimit, type LoginLimit } from './login-limit.js';
import type { AdminDeps, AdminDepsSource } from './deps.js';
import { firstValue, formBody, queryText, type ZodHandler } from '../validation.js';
import { cancelCrossSell, crossSellIdParams, sendNow, type ActionResult } from './cross-sell-actions.js';
import { logAdminAction, sendHtml, sessionCookieOptions } from './respond.js';
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

// What each route reads from its URL and form; Fastify answers 400 for anything else.
const backTo = firstValue.transform(safeNext); // a path inside /admin, else /admin: never refused
const schemas = {
  loginForm: { querystring: z.object({ next: backTo, out: queryText }) },
  login: { body: formBody({ token: z.string().optional(), next: z.string().optional().transform(safeNext) }) },
  logout: { body: formBody({ _csrf: z.string().optional() }) },
  dashboard: {
    querystring: z.object({
      order: queryText,
      store: queryText,
      // Read in the handler: a bad date is a notice on the page, not a refusal.
      since: queryText,
      // Only known notices are shown; an unknown key is ignored.
      notice: queryText.transform((key) => (key && Object.hasOwn(NOTICES, key) ? NOTICES[key] : undefined)),
    }),
  },
  action: {
    params: crossSellIdParams,
    body: formBody({ _csrf: z.string().optional(), back: z.string().optional().transform(safeNext) }),
  },
};

export async function pageRoutes(app: FastifyInstance, opts: { deps: AdminDepsSource }): Promise<void> {
  const deps = () => opts.deps()!; // the gate answered 503/404 already when these are missing
  const admin: Admin = { deps, limit: loginLimit(app), signer: () => new SessionSigner(deps().adminToken!) };
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/login', { ...publicRoute, schema: schemas.loginForm }, loginForm(admin));
  r.post('/login', { ...publicRoute, schema: schemas.login }, login(admin));
  r.post('/logout', { ...publicRoute, schema: schemas.logout }, logout(admin));
  r.get('/', { schema: schemas.dashboard }, dashboard(admin));
  r.post('/cross-sells/:id/send-now', { schema: schemas.action }, crossSellAction(admin, sendNow, 'sent-now'));
  r.post('/cross-sells/:id/cancel', { schema: schemas.action }, crossSellAction(admin, cancelCrossSell, 'cancelled'));
}

/** What the page handlers share: the deps, the login limit, and the session signer under ADMIN_TOKEN. */
interface Admin {
  deps: () => AdminDeps;
  limit: LoginLimit;
  signer: () => SessionSigner;
}

function loginForm({ deps, signer }: Admin): ZodHandler<typeof schemas.loginForm> {
  return async (req, reply) => {
    const { next } = req.query;
    if (await liveSession(deps().pool, signer(), req.cookies[SESSION_COOKIE])) return reply.redirect(next, 303);
    return sendHtml(reply, loginPage({ next, loggedOut: req.query.out === '1' }));
  };
}

function login({ deps, limit, signer }: Admin): ZodHandler<typeof schemas.login> {
  return async (req, reply) => {
    const { token, next } = req.body;
    const wait = await limit.blockedFor(req);
    if (wait > 0) {
      req.log.warn({ ip: req.ip, retryAfter: wait }, 'admin login refused: too many failed attempts');
      reply.header('retry-after', String(wait));
      return sendHtml(reply, loginPage({ next, retryAfter: wait }), 429);
    }
    if (token === undefined || !sameToken(token.trim(), deps().adminToken!)) {
      await limit.failed(req);
      req.log.warn({ ip: req.ip }, 'admin login refused: wrong token');
      return sendHtml(reply, loginPage({ next, failed: true }), 401);
    }
    reply.setCookie(SESSION_COOKIE, signer().issue(), sessionCookieOptions(req));
    logAdminAction(req, 'login');
    return reply.redirect(next, 303);
  };
}

// Ends the session for good (sessions.ts), not just the cookie. Without a live session there
// is nothing to end or to forge: the cookie is dropped all the same.
function logout({ deps, signer }: Admin): ZodHandler<typeof schemas.logout> {
  return async (req, reply) => {
    const session = await liveSession(deps().pool, signer(), req.cookies[SESSION_COOKIE]);
    if (session) {
      if (!signer().checkCsrf(session, req.body._csrf)) return reply.code(403).send(CSRF_REFUSED);
      await revokeSession(deps().pool, session);
      logAdminAction(req, 'logout');
    }
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    return reply.redirect('/admin/login?out=1', 303);
  };
}

function dashboard({ deps }: Admin): ZodHandler<typeof schemas.dashboard> {
  return async (req, reply) => {
    const { pool } = deps();
    const explain = deps().explain ?? explainOrder;
    const { store, order: orderId } = req.query;
    let notice = req.query.notice;
    let since: Date | undefined;
    try {
      since = parseSince(req.query.since);
    } catch (err) {
      notice = { text: (err as Error).message, bad: true };
    }
    const config = deps().config?.();
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
  };
}

/** The dashboard's send-now and cancel forms: done, then back to the page with a notice key. */
function crossSellAction(
  { deps }: Admin,
  run: typeof sendNow | typeof cancelCrossSell,
  done: 'sent-now' | 'cancelled',
): ZodHandler<typeof schemas.action> {
  return async (req, reply) => {
    const auth = adminAuth(req);
    const csrfOk = auth?.via !== 'session' || auth.signer.checkCsrf(auth.session, req.body._csrf);
    if (!csrfOk) return reply.code(403).send(CSRF_REFUSED);
    const result: ActionResult = await run(deps().pool, deps().queue, req.params.id);
    logAdminAction(req, done, { crossSellId: req.params.id, ok: result.ok });
    const back = new URL(req.body.back, 'http://admin.invalid');
    back.searchParams.set('notice', result.ok ? done : result.code === 404 ? 'not-found' : 'refused');
    return reply.redirect(back.pathname + back.search, 303);
  };
}

async function findOrder(
  pool: pg.Pool,
  explain: typeof explainOrder,
  orderId: string,
  store?: string,
  config?: Config,
): Promise<FoundCrossSell[]> {
  const [explained, ids] = await Promise.all([
    explain(pool, orderId, store, config),
    pool.query<{ id: string; store: string }>(crossSellIds, [orderId, store ?? null]),
  ]);
  const idOf = new Map(ids.rows.map((r) => [r.store, r.id]));
  return explained.map((e) => ({ ...e, id: idOf.get(e.store) ?? null }));
}
