// The admin is hard to attack (issue 16): signing out needs the CSRF token and ends the session
// on the server, every admin action and failed sign-in is one log line, failed sign-ins are
// rate-limited per client, and METRICS_TOKEN guards /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, until } from '../support/services.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';
import { adminRoutes } from '../../src/http/admin/index.js';
import { LOGIN_FAILURES } from '../../src/http/admin/login-limit.js';
import { adminFor, ADMIN_TOKEN, bearer, csrfFor, login, type AdminServer } from './support.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const config = { timing: { default: { after: 'order' as const, delay: '2h' }, quietHours: false as const } };

describe.skipIf(missing('postgres', 'redis'))('admin hardening', () => {
  const lines: string[] = [];
  let app: TestApp;
  let admin: AdminServer;
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const actions = () => entries().filter((e) => e.msg === 'admin action');
  const get = (path: string, cookie: string) =>
    fetch(`${admin.base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const logout = (cookie: string, form: Record<string, string>) =>
    fetch(`${admin.base}/admin/logout`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams(form),
      redirect: 'manual',
    });

  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      config,
      workers: false,
      logLines: lines,
      env: { LOG_LEVEL: 'info', METRICS_TOKEN },
    });
    admin = await adminFor(app);
    expect(admin.mounted).toBe('app'); // the app's own logger writes the lines checked below
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    for (const [id, email] of [
      ['3001', 'ann@example.com'],
      ['3002', 'bob@example.com'],
    ])
      expect((await app.postEvent(sampleOrder(id!, { email }))).status).toBe(200);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.stop();
  });

  it('a short ADMIN_TOKEN outside production is one warning line naming the variable, never its value', () => {
    const warned = entries().filter((e) => e.variable === 'ADMIN_TOKEN');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({
      level: 40,
      msg: expect.stringMatching(/^ADMIN_TOKEN is shorter than 24 characters/),
    });
    expect(lines.join('\n')).not.toContain(ADMIN_TOKEN);
  });

  it('signing out without the CSRF token is refused, and the session lives on', async () => {
    const cookie = await login(admin.base);
    expect((await logout(cookie, {})).status).toBe(403);
    expect((await logout(cookie, { _csrf: 'forged' })).status).toBe(403);
    const other = await login(admin.base);
    expect((await logout(cookie, { _csrf: await csrfFor(admin.base, other) })).status).toBe(403); // another session's token
    expect((await get('/admin', cookie)).status).toBe(200);
    expect(actions().filter((a) => a.action === 'logout')).toEqual([]);
  });

  it('after signing out the old cookie no longer works, replayed here or on another process', async () => {
    const cookie = await login(admin.base);
    const kept = await login(admin.base); // another browser's session is not touched
    const csrf = await csrfFor(admin.base, cookie);
    const out = await logout(cookie, { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/login?out=1');

    const replayed = await get('/admin', cookie);
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/admin\/login/);
    expect((await get('/admin/login', cookie)).status).toBe(200); // the form, not a redirect to /admin
    expect((await get('/admin/queues', cookie)).status).toBe(303);
    const id = (await app.db.pool.query(`SELECT id::text FROM cross_sells WHERE order_id = '3001'`)).rows[0]
      .id as string;
    const cancel = await fetch(`${admin.base}/admin/cross-sells/${id}/cancel`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf }),
      redirect: 'manual',
    });
    expect(cancel.status).toBe(401);
    expect((await app.db.pool.query(`SELECT status FROM cross_sells WHERE id = $1`, [id])).rows[0].status).toBe(
      'scheduled',
    );
    expect((await get('/admin', kept)).status).toBe(200);

    // A second server on the same database (another process, or this one restarted) refuses it too.
    const second = Fastify({ logger: false });
    await second.register(adminRoutes, {
      deps: () => ({ pool: app.db.pool, queue: app.queue, adminToken: ADMIN_TOKEN }),
    });
    try {
      expect((await second.inject({ url: '/admin', headers: { cookie } })).statusCode).toBe(303);
      expect((await second.inject({ url: '/admin', headers: { cookie: kept } })).statusCode).toBe(200);
    } finally {
      await second.close();
    }
    expect(actions().filter((a) => a.action === 'logout')).toHaveLength(1);
  });

  it('every admin action is one log line with the action and its ids, never an address', async () => {
    const id = (await app.db.pool.query(`SELECT id::text FROM cross_sells WHERE order_id = '3002'`)).rows[0]
      .id as string;
    await until(async () => (await app.queue.queue.getJob(jobIdFor(id))) ?? false);
    const json = (method: string, path: string, body?: unknown) =>
      fetch(`${admin.base}/admin/api${path}`, {
        method,
        headers: { ...bearer(), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const before = actions().length;
    expect((await json('POST', `/cross-sells/${id}/send-now`)).status).toBe(200);
    expect((await json('POST', `/cross-sells/${id}/cancel`)).status).toBe(200);
    expect((await json('POST', `/cross-sells/${id}/cancel`)).status).toBe(409); // refused, and logged all the same
    expect((await json('POST', '/suppressions', { store: 'demo', email: 'eve@example.com' })).status).toBe(201);
    const { emailHash } = await (
      await json('DELETE', '/suppressions', { store: 'demo', email: 'eve@example.com' })
    ).json();
    const logged = actions().slice(before);
    expect(logged).toEqual([
      expect.objectContaining({ action: 'sent-now', crossSellId: id, ok: true, via: 'bearer', ip: expect.any(String) }),
      expect.objectContaining({ action: 'cancelled', crossSellId: id, ok: true, via: 'bearer' }),
      expect.objectContaining({ action: 'cancelled', crossSellId: id, ok: false, via: 'bearer' }),
      expect.objectContaining({ action: 'suppression-added', store: 'demo', emailHash, created: true }),
      expect.objectContaining({ action: 'suppression-removed', store: 'demo', emailHash, removed: 1 }),
    ]);
    expect(lines.join('\n')).not.toMatch(/[\w.+-]+@example\.com/);
  });

  it('GET /metrics wants METRICS_TOKEN when it is set', async () => {
    const scrape = (headers: Record<string, string> = {}) => fetch(`${app.base}/metrics`, { headers });
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toContain('aftercart_webhooks_total');
    expect((await scrape({ authorization: 'Bearer not-the-metrics-token' })).status).toBe(401);
    expect((await scrape(bearer())).status).toBe(401); // the admin token is not the metrics token
    const ok = await scrape({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('aftercart_webhooks_total');
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200); // nothing else is guarded
    expect(lines.join('\n')).not.toContain(METRICS_TOKEN);
  });

  // Last: it locks this client out of the form for the rest of the suite.
  it(`after ${LOGIN_FAILURES} failed sign-ins the form answers 429, even to the right token; each failure is logged without the token`, async () => {
    const attempt = (token: string) =>
      fetch(`${admin.base}/admin/login`, {
        method: 'POST',
        body: new URLSearchParams({ token, next: '/admin' }),
        redirect: 'manual',
      });
    // The successful sign-ins above did not count.
    for (let i = 0; i < LOGIN_FAILURES; i++) expect((await attempt(`wrong-guess-${i}`)).status).toBe(401);
    const blocked = await attempt(ADMIN_TOKEN);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.getSetCookie()).toEqual([]);
    expect(await blocked.text()).toContain('Too many failed sign-ins');
    expect((await attempt('wrong-guess-again')).status).toBe(429);

    const refused = entries().filter((e) => e.msg === 'admin login refused: wrong token');
    expect(refused).toHaveLength(LOGIN_FAILURES);
    expect(refused[0]).toMatchObject({ level: 40, ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(entries().filter((e) => e.msg === 'admin login refused: too many failed attempts')).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('wrong-guess');
    // The bearer API is not behind the form's limit.
    expect((await fetch(`${admin.base}/admin/api/stats`, { headers: bearer() })).status).toBe(200);
  });
});
