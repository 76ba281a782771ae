// /admin on the real app (Postgres + Redis): the token gate on every route, the login form and
// its cookie, send now / cancel against the real BullMQ queue, and suppression admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';
import { emailHash } from '../../src/domain/customer-key.js';
import { adminRoutes } from '../../src/http/admin/index.js';
import type { QueueBackend } from '../../src/queue/cross-sell-queue.js';
import type pg from 'pg';
import { adminFor, bearer, csrfFor, login, type AdminServer } from './support.js';

// Two hours out, no quiet hours: every order is scheduled with a delayed job that stays put.
const config = { timing: { default: { after: 'order' as const, delay: '2h' }, quietHours: false as const } };

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('admin on Postgres + Redis', () => {
  let app: TestApp;
  let admin: AdminServer;
  const idOf = async (orderId: string) =>
    (await app.db.pool.query(`SELECT id::text FROM cross_sells WHERE order_id = $1`, [orderId])).rows[0]!.id as string;
  const statusOf = async (orderId: string) =>
    (await app.db.pool.query(`SELECT status, reason, due_at FROM cross_sells WHERE order_id = $1`, [orderId])).rows[0];

  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', config, workers: false });
    admin = await adminFor(app);
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    for (const [id, email] of [
      ['2001', 'ann@example.com'],
      ['2002', 'bob@example.com'],
      ['2003', 'cy@example.com'],
      ['2004', 'di@example.com'],
    ]) {
      expect((await app.postEvent(sampleOrder(id!, { email }))).status).toBe(200);
    }
    await until(async () => (await app.queue.queue.getJob(jobIdFor(await idOf('2004')))) ?? false);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.stop();
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${admin.base}${path}`, { redirect: 'manual', ...init });
  const apiRoutes = async (): Promise<[string, string, unknown?][]> => {
    const id = await idOf('2001');
    return [
      ['GET', '/admin/api/stats'],
      ['GET', '/admin/api/orders/2001'],
      ['POST', `/admin/api/cross-sells/${id}/send-now`],
      ['POST', `/admin/api/cross-sells/${id}/cancel`],
      ['GET', '/admin/api/suppressions?store=demo'],
      ['POST', '/admin/api/suppressions', { store: 'demo', email: 'eve@example.com' }],
      ['DELETE', '/admin/api/suppressions', { store: 'demo', email: 'ann@example.com' }],
    ];
  };

  it('every API route answers 401 without the token, with a wrong one, and on a session cookie, with no data', async () => {
    const cookie = await login(admin.base);
    const attempts: Record<string, string>[] = [
      {},
      bearer('wrong-token-123'),
      bearer(''),
      { authorization: 'Basic dGVzdA==' },
      { cookie },
    ];
    for (const [method, path, body] of await apiRoutes()) {
      for (const headers of attempts) {
        const res = await api(path, {
          method,
          headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        expect(res.status, `${method} ${path} ${JSON.stringify(Object.keys(headers))}`).toBe(401);
        expect(JSON.parse(text)).toEqual({ error: 'unauthorized' });
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    // Nothing happened behind the refusals.
    expect(await statusOf('2001')).toMatchObject({ status: 'scheduled' });
    expect((await app.db.pool.query(`SELECT count(*)::int AS n FROM suppressions`)).rows[0].n).toBe(0);
  });

  it('the bearer token opens the API: stats and explain', async () => {
    const stats = await (await api('/admin/api/stats', { headers: bearer() })).json();
    expect(stats).toMatchObject({ received: 4, scheduled: 4, pending: 4, sent: 0, skipped: {} });
    expect(stats.upcoming.map((u: { orderId: string }) => u.orderId).sort()).toEqual(['2001', '2002', '2003', '2004']);
    const order = await api('/admin/api/orders/2001', { headers: bearer() });
    expect(order.status).toBe(200);
    expect(await order.json()).toMatchObject({
      store: 'demo',
      orderId: '2001',
      status: 'scheduled',
      reason: null,
      rule: expect.anything(),
      summary: expect.stringMatching(
        /^Due .* UTC \(the default rule, after the order \+ 2h\)$|^Due .* \(the default rule, after the order \+ 2h\)$/,
      ),
    });
    const none = await api('/admin/api/orders/nope', { headers: bearer() });
    expect(none.status).toBe(404);
    expect((await api('/admin/api/stats?since=yesterday', { headers: bearer() })).status).toBe(400);
    const since = await (await api('/admin/api/stats?since=2099-01-01', { headers: bearer() })).json();
    expect(since).toMatchObject({ received: 0, since: '2099-01-01T00:00:00.000Z' });
  });

  it('the page sends a browser without a session to the login form; the form sets an httpOnly, SameSite=Strict cookie', async () => {
    const anonymous = await api('/admin?order=2001');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/admin/login?next=%2Fadmin%3Forder%3D2001');
    expect(await anonymous.text()).not.toContain('2001</');

    const form = await api('/admin/login');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="token"');

    const wrong = await api('/admin/login', { method: 'POST', body: new URLSearchParams({ token: 'not-the-token' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(await wrong.text()).toContain('That token is not right');

    const right = await api('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ token: 'test-admin-token', next: '/admin?order=2001' }),
    });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/admin?order=2001');
    const [setCookie] = right.headers.getSetCookie();
    expect(setCookie).toMatch(/^aftercart_admin=[^;]+/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\/admin/);
    const cookie = setCookie!.split(';')[0]!;

    const page = await api('/admin?order=2001', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const body = await page.text();
    expect(body).toContain('Funnel');
    expect(body).toMatch(/data-status="scheduled"/);
    expect(body).toContain('data-action="send-now"');
    // The decision in words, and the order named once (the section heading), not again per store.
    expect(body).toMatch(/<p class="summary">Due .*\(the default rule, after the order \+ 2h\)<\/p>/);
    expect(body.match(/Order <code>2001<\/code>|Order 2001/g)).toHaveLength(1);

    // A forged or truncated cookie is no session; an open redirect through `next` is not possible.
    const forged = await api('/admin', { headers: { cookie: cookie.slice(0, -3) + 'AAA' } });
    expect(forged.status).toBe(303);
    const offsite = await api('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ token: 'test-admin-token', next: 'https://evil.example/' }),
    });
    expect(offsite.headers.get('location')).toBe('/admin');

    // Signing out (with the form's CSRF token) clears the cookie.
    const out = await api('/admin/logout', {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: await csrfFor(admin.base, cookie) }),
    });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie()[0]).toMatch(/aftercart_admin=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('Bull Board at /admin/queues is behind the same login and shows the cross-sell queue', async () => {
    const anonymous = await api('/admin/queues');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/admin\/login\?next=/);
    expect((await api('/admin/queues/api/queues')).status).toBe(401);
    const cookie = await login(admin.base);
    const ui = await api('/admin/queues', { headers: { cookie } });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('Aftercart queue');
    const queues = await (await api('/admin/queues/api/queues', { headers: { cookie } })).json();
    const names = (queues.queues as { name: string }[]).map((q) => q.name);
    expect(names.some((n) => n.endsWith('cross-sell'))).toBe(true);
    // A mutating request from another origin is refused even with the cookie.
    const pause = await api(`/admin/queues/api/queues/${encodeURIComponent(names[0]!)}/pause`, {
      method: 'PUT',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(pause.status).toBe(403);
  });

  it('send now makes a scheduled cross-sell due now and re-times its BullMQ job', async () => {
    const id = await idOf('2002');
    const before = await app.queue.queue.getJob(jobIdFor(id));
    expect(await before!.getState()).toBe('delayed');
    expect(before!.delay).toBeGreaterThan(60 * 60 * 1000);

    const res = await api(`/admin/api/cross-sells/${id}/send-now`, { method: 'POST', headers: bearer() });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id, orderId: '2002', store: 'demo', status: 'scheduled' });
    expect(Math.abs(Date.parse(body.dueAt) - Date.now())).toBeLessThan(5_000);
    const row = await statusOf('2002');
    expect(Math.abs(new Date(row.due_at).getTime() - Date.now())).toBeLessThan(5_000);

    const job = await app.queue.queue.getJob(jobIdFor(id));
    // No worker runs in this suite: the job sits in "waiting", due now, with no delay left.
    expect(await job!.getState()).toBe('waiting');
    expect(job!.delay).toBe(0);
  });

  it('cancel cancels the cross-sell and removes its job; actions on a finished one are refused', async () => {
    const id = await idOf('2003');
    const res = await api(`/admin/api/cross-sells/${id}/cancel`, { method: 'POST', headers: bearer() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, orderId: '2003', status: 'cancelled', reason: 'cancelled' });
    expect(await statusOf('2003')).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    expect(await app.queue.queue.getJob(jobIdFor(id))).toBeFalsy();

    const again = await api(`/admin/api/cross-sells/${id}/cancel`, { method: 'POST', headers: bearer() });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(/it is cancelled/);
    expect((await api(`/admin/api/cross-sells/${id}/send-now`, { method: 'POST', headers: bearer() })).status).toBe(
      409,
    );
    expect((await api(`/admin/api/cross-sells/999999/cancel`, { method: 'POST', headers: bearer() })).status).toBe(404);
    expect((await api(`/admin/api/cross-sells/abc/cancel`, { method: 'POST', headers: bearer() })).status).toBe(400);
    const explained = await (await api('/admin/api/orders/2003', { headers: bearer() })).json();
    expect(explained).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
  });

  it('the page forms need the session CSRF token and a same-origin request', async () => {
    const id = await idOf('2004');
    const cookie = await login(admin.base);
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      api(`/admin/cross-sells/${id}/cancel`, {
        method: 'POST',
        headers: { cookie, ...headers },
        body: new URLSearchParams(form),
      });
    expect((await post({}, {})).status).toBe(403);
    expect((await post({}, { _csrf: 'forged' })).status).toBe(403);
    const other = await login(admin.base);
    expect((await post({}, { _csrf: await csrfFor(admin.base, other) })).status).toBe(403); // another session's token
    const csrf = await csrfFor(admin.base, cookie);
    expect((await post({ origin: 'https://evil.example' }, { _csrf: csrf })).status).toBe(403);
    expect(await statusOf('2004')).toMatchObject({ status: 'scheduled' });

    const done = await post({ origin: admin.base }, { _csrf: csrf, back: '/admin?order=2004&store=demo' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin?order=2004&store=demo&notice=cancelled');
    expect(await statusOf('2004')).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    const page = await (await api('/admin?order=2004&store=demo&notice=cancelled', { headers: { cookie } })).text();
    expect(page).toContain('the cross-sell is cancelled');
    expect(page).toMatch(/data-status="cancelled"/);
    expect(page).not.toContain('data-action="cancel"></button>');
  });

  it('suppressions: add, list and remove by address (hashed), per store or global', async () => {
    const json = (method: string, body: unknown) => ({
      method,
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const added = await api('/admin/api/suppressions', json('POST', { store: 'demo', email: ' Ann@Example.com ' }));
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({
      created: true,
      store: 'demo',
      emailHash: emailHash('ann@example.com'),
      reason: 'manual',
    });
    const twice = await api(
      '/admin/api/suppressions',
      json('POST', { store: 'demo', email: 'ann@example.com', reason: 'complained' }),
    );
    expect(twice.status).toBe(200);
    expect(await twice.json()).toMatchObject({ created: false, reason: 'manual' });
    expect(
      (
        await api(
          '/admin/api/suppressions',
          json('POST', { store: '*', email: 'bob@example.com', reason: 'complained' }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await api('/admin/api/suppressions', json('POST', { store: 'demo', email: 'not an address' }))).status,
    ).toBe(400);
    expect((await api('/admin/api/suppressions', json('POST', { email: 'x@example.com' }))).status).toBe(400);
    expect(
      (await api('/admin/api/suppressions', json('POST', { store: 'demo', email: 'x@example.com', reason: 'because' })))
        .status,
    ).toBe(400);

    const list = async (query: string) =>
      (await (await api(`/admin/api/suppressions${query}`, { headers: bearer() })).json()).suppressions;
    expect(await list('?store=demo')).toEqual([
      expect.objectContaining({
        store: 'demo',
        emailHash: emailHash('ann@example.com'),
        email: 'ann@example.com',
        reason: 'manual',
      }),
    ]);
    expect((await list('')).map((s: { store: string }) => s.store).sort()).toEqual(['*', 'demo']);
    expect(await list('?email=BOB@example.com')).toEqual([
      expect.objectContaining({ store: '*', reason: 'complained' }),
    ]);

    const removed = await api('/admin/api/suppressions', json('DELETE', { store: 'demo', email: 'ann@example.com' }));
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ removed: 1, store: 'demo' });
    expect(
      (await api('/admin/api/suppressions', json('DELETE', { store: 'demo', email: 'ann@example.com' }))).status,
    ).toBe(404);
    expect(
      (await api('/admin/api/suppressions', json('DELETE', { store: '*', emailHash: emailHash('bob@example.com') })))
        .status,
    ).toBe(200);
    expect(await list('')).toEqual([]);
  });
});

describe.skipIf(skip)('send now with a running worker', () => {
  let smtp: SmtpSink;
  let app: TestApp;
  let admin: AdminServer;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', config, smtpUrl: smtp.url });
    admin = await adminFor(app);
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    expect((await app.postEvent(sampleOrder('2101'))).status).toBe(200);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await smtp?.close();
  });

  // The worker re-decides timing at run time; `timing.sendNow` (set by send-now.sql) keeps it
  // from postponing the job back to its original due time.
  it('sends the email at once instead of at its due time', async () => {
    const { rows } = await app.db.pool.query(`SELECT id::text FROM cross_sells WHERE order_id = '2101'`);
    const res = await fetch(`${admin.base}/admin/api/cross-sells/${rows[0].id}/send-now`, {
      method: 'POST',
      headers: bearer(),
    });
    expect(res.status).toBe(200);
    await smtp.waitFor(1, 6_000);
    expect(smtp.messages).toHaveLength(1);
  });
});

// The default `npm start` set-up: BullMQ on its PostgreSQL backend inside the embedded database.
describe('admin on the embedded defaults (PGlite, BullMQ on PostgreSQL)', () => {
  let app: TestApp;
  let admin: AdminServer;

  beforeAll(async () => {
    app = await startTestApp({ setup: 'embedded', config, workers: false });
    admin = await adminFor(app);
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    expect((await app.postEvent(sampleOrder('2201'))).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await app?.stop();
  });

  it('Bull Board lists the queue and its delayed job; send now promotes the job', async () => {
    const { rows } = await app.db.pool.query(`SELECT id::text FROM cross_sells WHERE order_id = '2201'`);
    const id = rows[0].id as string;
    await until(async () => (await app.queue.queue.getJob(jobIdFor(id))) ?? false);
    const cookie = await login(admin.base);
    const board = await (await fetch(`${admin.base}/admin/queues/api/queues`, { headers: { cookie } })).json();
    const queue = (board.queues as { name: string; counts: Record<string, number> }[]).find((q) =>
      q.name.endsWith('cross-sell'),
    );
    expect(queue?.counts.delayed).toBe(1);

    const res = await fetch(`${admin.base}/admin/api/cross-sells/${id}/send-now`, {
      method: 'POST',
      headers: bearer(),
    });
    expect(res.status).toBe(200);
    const job = await app.queue.queue.getJob(jobIdFor(id));
    expect(await job!.getState()).toBe('waiting');
    const stats = await (await fetch(`${admin.base}/admin/api/stats`, { headers: bearer() })).json();
    expect(stats).toMatchObject({ received: 1, scheduled: 1, pending: 1 });
  });
});

describe('admin without a database or a token', () => {
  let http: FastifyInstance;
  let deps: ReturnType<Parameters<typeof adminRoutes>[1]['deps']>;
  const stub = { pool: {} as pg.Pool, queue: {} as QueueBackend };

  beforeAll(async () => {
    http = Fastify({ logger: false });
    await http.register(adminRoutes, { deps: () => deps });
    await http.ready();
  });
  afterAll(() => http?.close());

  it('answers 503 while the database is still opening', async () => {
    deps = undefined;
    for (const url of ['/admin', '/admin/api/stats', '/admin/login', '/admin/queues']) {
      const res = await http.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toEqual({ error: 'starting up, retry shortly' });
    }
  });

  it('is disabled with a clear 404 when ADMIN_TOKEN is unset', async () => {
    deps = { ...stub, adminToken: undefined };
    const apiRes = await http.inject({ url: '/admin/api/stats', headers: bearer('anything') });
    expect(apiRes.statusCode).toBe(404);
    expect(apiRes.json()).toEqual({ error: 'admin is disabled: set ADMIN_TOKEN to enable it' });
    for (const url of ['/admin', '/admin/login', '/admin/queues']) {
      const res = await http.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('ADMIN_TOKEN');
    }
    const login = await http.inject({ method: 'POST', url: '/admin/login', payload: { token: '' } });
    expect(login.statusCode).toBe(404);
  });
});
