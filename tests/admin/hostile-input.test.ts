// Values no operator types but anyone can send: a NUL byte (Postgres refuses it in text) in
// every query, form and JSON value an admin route reads, and a cross-sell id beyond bigint.
// Each is answered 400 with a message, or 404, never 500. The email links get the same treatment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, type TestApp } from '../support/app.js';
import { missing } from '../support/services.js';
import { adminFor, bearer, csrfFor, login, type AdminServer } from './support.js';

const skip = missing('postgres', 'redis');
const NUL = '\u0000';
const HUGE_ID = '9999999999999999999'; // 19 digits, above bigint's 9223372036854775807

interface Case {
  method: string;
  path: string;
  json?: Record<string, string>;
  form?: Record<string, string>;
}

describe.skipIf(skip)('admin routes given hostile values (Postgres + Redis)', () => {
  let app: TestApp;
  let admin: AdminServer;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      config: { timing: { default: { after: 'order', delay: '2h' }, quietHours: false } },
      workers: false,
    });
    admin = await adminFor(app);
    expect((await app.postEvent(sampleOrder('3001', { email: 'ann@example.com' }))).status).toBe(200);
    cookie = await login(admin.base);
    csrf = await csrfFor(admin.base, cookie);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.stop();
  });

  /** Sends a case as the API (bearer) or as the dashboard's browser (session cookie + CSRF). */
  const send = async (c: Case): Promise<{ status: number; body: string }> => {
    const page = !c.path.startsWith('/admin/api/');
    const headers: Record<string, string> = page ? { cookie } : bearer();
    let body: string | URLSearchParams | undefined;
    if (c.json) ((headers['content-type'] = 'application/json'), (body = JSON.stringify(c.json)));
    if (c.form) body = new URLSearchParams(page ? { _csrf: csrf, ...c.form } : c.form);
    const res = await fetch(`${admin.base}${c.path}`, { method: c.method, headers, body, redirect: 'manual' });
    return { status: res.status, body: await res.text() };
  };
  const id = async () =>
    (await app.db.pool.query(`SELECT id::text FROM cross_sells WHERE order_id = '3001'`)).rows[0]!.id as string;

  it('a NUL in any query, path, form or JSON value is answered 400 naming the value', async () => {
    const x = await id();
    const cases: Case[] = [
      { method: 'GET', path: '/admin/api/stats?store=demo%00' },
      { method: 'GET', path: '/admin/api/stats?since=2026-01-01%00' },
      { method: 'GET', path: '/admin/api/orders/3001%00' },
      { method: 'GET', path: '/admin/api/orders/3001?store=%00' },
      { method: 'POST', path: `/admin/api/cross-sells/${x}%00/send-now` },
      { method: 'POST', path: `/admin/api/cross-sells/${x}/cancel?store=%00` },
      { method: 'GET', path: '/admin/api/suppressions?store=%00' },
      { method: 'GET', path: '/admin/api/suppressions?email=a%00@example.com' },
      { method: 'GET', path: '/admin/api/suppressions?limit=1%00' },
      { method: 'POST', path: '/admin/api/suppressions', json: { store: `demo${NUL}`, email: 'eve@example.com' } },
      { method: 'POST', path: '/admin/api/suppressions', json: { store: 'demo', email: `eve${NUL}@example.com` } },
      {
        method: 'POST',
        path: '/admin/api/suppressions',
        json: { store: 'demo', email: 'eve@example.com', reason: `manual${NUL}` },
      },
      { method: 'POST', path: '/admin/api/suppressions', form: { store: `demo${NUL}`, email: 'eve@example.com' } },
      { method: 'DELETE', path: '/admin/api/suppressions', json: { store: `demo${NUL}`, email: 'eve@example.com' } },
      {
        method: 'DELETE',
        path: '/admin/api/suppressions',
        json: { store: 'demo', emailHash: `${'0'.repeat(39)}${NUL}` },
      },
      { method: 'DELETE', path: '/admin/api/suppressions?store=demo%00&email=eve@example.com' },
      { method: 'GET', path: '/admin?order=3001%00' },
      { method: 'GET', path: '/admin?store=demo%00' },
      { method: 'GET', path: '/admin?since=%00' },
      { method: 'GET', path: '/admin?notice=%00' },
      { method: 'POST', path: `/admin/cross-sells/${x}/send-now`, form: { back: `/admin?order=3001${NUL}` } },
      { method: 'POST', path: `/admin/cross-sells/${x}/cancel`, form: { back: '/admin', note: NUL } },
      { method: 'POST', path: `/admin/cross-sells/${x}/cancel`, form: { _csrf: `${NUL}` } },
      { method: 'POST', path: `/admin/cross-sells/${x}%00/cancel`, form: {} },
      { method: 'POST', path: `/admin/cross-sells/${x}%00/send-now`, form: {} },
      { method: 'GET', path: '/admin/login?next=/admin%00' },
      { method: 'GET', path: '/admin/login?out=1%00' },
      { method: 'POST', path: '/admin/login', form: { token: `test-admin-token${NUL}`, next: '/admin' } },
      { method: 'GET', path: '/admin/queues?x=%00' },
    ];
    for (const c of cases) {
      const res = await send(c);
      expect(res.status, `${c.method} ${c.path} ${JSON.stringify(c.json ?? c.form ?? '')}`).toBe(400);
      expect(JSON.parse(res.body).error, c.path).toMatch(/NUL/);
    }
    // Nothing changed behind the refusals.
    const row = (await app.db.pool.query(`SELECT status FROM cross_sells WHERE id = $1`, [x])).rows[0];
    expect(row.status).toBe('scheduled');
    expect((await app.db.pool.query(`SELECT count(*)::int AS n FROM suppressions`)).rows[0].n).toBe(0);
  });

  it('a NUL nested inside a JSON value is answered 400 too', async () => {
    const res = await fetch(`${admin.base}/admin/api/suppressions`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ store: 'demo', email: 'eve@example.com', extra: [{ deep: NUL }] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/"extra".*NUL/);
  });

  it('a cross-sell id beyond bigint is answered 400, from the API and from the page forms', async () => {
    for (const action of ['send-now', 'cancel']) {
      for (const c of [
        { method: 'POST', path: `/admin/api/cross-sells/${HUGE_ID}/${action}` },
        { method: 'POST', path: `/admin/cross-sells/${HUGE_ID}/${action}`, form: { back: '/admin' } },
      ]) {
        const res = await send(c);
        expect(res.status, c.path).toBe(400);
        expect(JSON.parse(res.body).error).toBe('invalid cross-sell id');
      }
    }
    // The largest bigint is a well-formed id: no such row, 404. Order ids are text: no such order.
    expect((await send({ method: 'POST', path: '/admin/api/cross-sells/9223372036854775807/cancel' })).status).toBe(
      404,
    );
    expect((await send({ method: 'GET', path: `/admin/api/orders/${HUGE_ID}` })).status).toBe(404);
    expect((await send({ method: 'GET', path: `/admin?order=${HUGE_ID}` })).status).toBe(200);
  });

  it('a malformed value is answered 400 naming the field: a readable page to a browser, JSON to a script', async () => {
    const asBrowser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const cases: [Case, RegExp][] = [
      [{ method: 'GET', path: '/admin/api/stats?since=yesterday' }, /^query value "since": invalid date "yesterday"/],
      [
        {
          method: 'POST',
          path: '/admin/api/suppressions',
          json: { store: 'demo', email: 'eve@example.com', reason: 'because' },
        },
        /^"reason" must be one of manual/,
      ],
      [
        { method: 'POST', path: `/admin/cross-sells/${HUGE_ID}/cancel`, form: { back: '/admin' } },
        /^invalid cross-sell id$/,
      ],
    ];
    for (const [c, message] of cases) {
      const res = await send(c);
      expect(res.status, c.path).toBe(400);
      expect(JSON.parse(res.body).error, c.path).toMatch(message);
    }
    // A repeated form field is not the one value the form has: zod's words, with the field in front.
    const twice = (accept?: string) =>
      fetch(`${admin.base}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(accept ? { accept } : {}) },
        body: 'token=a&token=b&next=%2Fadmin',
        redirect: 'manual',
      });
    const script = await twice();
    expect(script.status).toBe(400);
    expect((await script.json()).error).toMatch(/^body value "token": .*expected string/i);
    const browser = await twice(asBrowser.accept);
    expect(browser.status).toBe(400);
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browser.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await browser.text()).toMatch(/<p class="notice bad" role="alert">body value &quot;token&quot;: /);
    // Not a form at all: said so, not a 500 and not a failed sign-in.
    const text = await fetch(`${admin.base}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'token=a',
    });
    expect(text.status).toBe(400);
    expect((await text.json()).error).toBe('expected a form body (application/x-www-form-urlencoded)');
    // The dashboard's form, sent by a browser: the page names the id; the API stays JSON.
    const form = await fetch(`${admin.base}/admin/cross-sells/${HUGE_ID}/send-now`, {
      method: 'POST',
      headers: { cookie, ...asBrowser },
      body: new URLSearchParams({ _csrf: csrf, back: '/admin' }),
      redirect: 'manual',
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('invalid cross-sell id');
    const api = await fetch(`${admin.base}/admin/api/cross-sells/${HUGE_ID}/cancel`, {
      method: 'POST',
      headers: { ...bearer(), ...asBrowser },
    });
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: 'invalid cross-sell id' });
  });

  it('a suppression is lifted by query values when DELETE carries no body', async () => {
    const add = await send({
      method: 'POST',
      path: '/admin/api/suppressions',
      json: { store: 'demo', email: 'eve@example.com' },
    });
    expect(add.status).toBe(201);
    const lifted = await send({ method: 'DELETE', path: '/admin/api/suppressions?store=demo&email=eve@example.com' });
    expect(lifted.status).toBe(200);
    expect(JSON.parse(lifted.body)).toMatchObject({ removed: 1, store: 'demo' });
    const missing = await send({ method: 'DELETE', path: '/admin/api/suppressions?email=eve@example.com' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toMatch(/^"store" is required/);
  });
});

describe.skipIf(skip)('email links given hostile tokens (Postgres + Redis)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a NUL, an overlong token or broken UTF-8 in /c/ and /u/ is answered 4xx, never 500', async () => {
    const signed = app.links.sign({ kind: 'u', crossSellId: '1' });
    const tokens = [
      '%00',
      `${signed}%00`,
      `%00${signed}`,
      'A'.repeat(5_000),
      `${signed}${'A'.repeat(5_000)}`,
      '%ED%A0%80',
      '%C0%80',
      '%FF',
    ];
    for (const token of tokens) {
      for (const [method, path] of [
        ['GET', `/c/${token}`],
        ['GET', `/u/${token}`],
        ['POST', `/u/${token}`],
      ] as const) {
        const res = await fetch(`${app.base}${path}`, { method, redirect: 'manual', headers: { accept: 'text/html' } });
        expect(res.status, `${method} ${path.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path.slice(0, 40)}`).toBeLessThan(500);
      }
    }
  });

  it('a malformed token is answered 400: the invalid-link page for a person, JSON for a script', async () => {
    const bad = `${app.links.sign({ kind: 'u', crossSellId: '1' })}!`;
    const page = await fetch(`${app.base}/u/${bad}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).not.toMatch(/<form/);
    const oneClick = await fetch(`${app.base}/u/${bad}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(400);
    expect(await oneClick.json()).toEqual({ error: 'malformed link token' });
    const click = await fetch(`${app.base}/c/${bad}`, { redirect: 'manual' });
    expect(click.status).toBe(400);
    expect(await click.json()).toEqual({ error: 'malformed link token' });
  });
});
