// Logs carry order and send ids, never an email address or a raw payload.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { createLogger, logFormat, throttledErrors } from '../../src/log.js';
import { banner } from '../../src/cli/banner.js';
import { parseConfig, parseEnv } from '../../src/config/load.js';

describe.skipIf(missing('postgres', 'redis'))('structured logs', () => {
  const lines: string[] = [];
  let app: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services',
      smtpUrl: smtp.url,
      logLines: lines,
      env: { LOG_LEVEL: 'debug' },
      config: {
        timing: { default: { after: 'order', delay: '1s' }, quietHours: false },
        eligibility: { requireConsent: true },
      },
    });
    for (const p of sampleProducts()) await app.postEvent(p);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('name the order and the send, never the address or the payload', async () => {
    smtp.failNext([550]); // a bounce is logged too
    await app.postEvent(sampleOrder('LOG-1', { email: 'private.person@example.com' }));
    await app.postEvent(sampleOrder('LOG-2', { email: 'other.person@example.com' }));
    await app.postEvent(sampleOrder('LOG-3', { email: 'no.consent@example.com', consent: false }));
    await until(
      async () =>
        lines.some((l) => l.includes('"cross-sell sent"')) &&
        lines.some((l) => l.includes('permanent SMTP failure')) &&
        lines.some((l) => l.includes('"cross-sell skipped"')),
      15_000,
    );
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const sent = entries.find((e) => e.msg === 'cross-sell sent')!;
    expect(sent).toMatchObject({ orderId: expect.stringMatching(/^LOG-/), crossSellId: expect.any(String) });
    expect(entries.find((e) => e.msg === 'cross-sell skipped')).toMatchObject({
      orderId: 'LOG-3',
      reason: 'no_consent',
    });
    const all = lines.join('\n');
    expect(all).not.toMatch(/[\w.+-]+@example\.com/);
    expect(all).not.toContain('Console X'); // nothing of the order payload
  });

  it('one line per request with its route pattern, status and duration, never the URL or its token', async () => {
    const token = 'secret-token-that-must-not-appear';
    expect((await fetch(`${app.base}/u/${token}`)).status).toBeGreaterThanOrEqual(400);
    expect((await app.postShopify('orders/create', '{}', { hmac: 'bad' })).status).toBe(401);
    const entries = await until(async () => {
      const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
      return found.some((e) => e.status === 401) && found.some((e) => e.route === '/u/:token') ? found : undefined;
    }, 5_000);
    expect(entries.find((e) => e.status === 401)).toMatchObject({
      method: 'POST',
      route: '/webhooks/:source',
      ms: expect.any(Number),
      reqId: expect.any(String),
    });
    expect(lines.join('\n')).not.toContain(token);
  });

  it('GET / answers a small page pointing at the admin and the webhook URLs', async () => {
    const res = await fetch(`${app.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('href="/admin"');
    expect(page).toContain('https://aftercart.test/webhooks/shopify');
  });
});

describe('log format', () => {
  it('pretty on a terminal, JSON otherwise, LOG_FORMAT wins', () => {
    expect(logFormat(undefined, true)).toBe('pretty');
    expect(logFormat(undefined, false)).toBe('json');
    expect(logFormat('json', true)).toBe('json');
    expect(logFormat('pretty', false)).toBe('pretty');
  });

  it('pretty lines are readable text, JSON lines parse', () => {
    const out: string[] = [];
    const sink = { write: (l: string) => void out.push(l) };
    createLogger('info', sink, 'pretty').info({ orderId: 'A-1' }, 'cross-sell sent');
    createLogger('info', sink, 'json').info({ orderId: 'A-2' }, 'cross-sell sent');
    expect(out[0]).toMatch(/INFO.*cross-sell sent/);
    expect(() => JSON.parse(out[0]!)).toThrow();
    expect(JSON.parse(out[1]!)).toMatchObject({ orderId: 'A-2', msg: 'cross-sell sent' });
  });
});

describe('the banner above pretty logs', () => {
  it('names the webhook URLs, the admin, the outbox and what runs embedded', () => {
    const settings = {
      env: parseEnv({ PUBLIC_URL: 'https://mail.shop.example', AFTERCART_DATA_DIR: '/srv/aftercart' }),
      config: parseConfig({}),
      configSource: 'aftercart.config.ts',
    };
    const text = banner(
      {
        settings,
        address: 'http://127.0.0.1:3000',
        db: { embedded: true } as never,
        queue: { kind: 'postgres' } as never,
        mailer: { kind: 'outbox' } as never,
      },
      'start',
    );
    expect(text).toContain('https://mail.shop.example/webhooks/shopify');
    expect(text).toContain('https://mail.shop.example/admin (disabled: set ADMIN_TOKEN)');
    expect(text).toContain('/srv/aftercart/outbox');
    expect(text).toContain('database (PGlite), queue (on the database), mail (outbox)');
  });
});

describe('queue and Redis errors', () => {
  it('are logged, one line per part and minute, with a count of what was held back', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
    try {
      const out: { obj: Record<string, unknown>; msg: string }[] = [];
      const sink = throttledErrors({
        warn: (obj: Record<string, unknown>, msg: string) => void out.push({ obj, msg }),
      } as never);
      for (let i = 0; i < 50; i++) sink('redis', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      sink('worker', new Error('Connection is closed.'));
      expect(out.map((o) => o.msg)).toEqual(['redis error', 'worker error']);
      vi.advanceTimersByTime(60_000);
      sink('redis', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      expect(out[2]).toEqual({
        obj: { part: 'redis', err: 'connect ECONNREFUSED 127.0.0.1:6379', repeated: 49 },
        msg: 'redis error',
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
