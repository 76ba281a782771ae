// The dashboard in a real browser (Chromium via playwright-core) over a real run: signed
// webhooks through the app, the worker sending to an SMTP sink, a real click, then the
// operator signs in through the form, reads the funnel and the chart, looks an order up and
// cancels a scheduled one. Screenshots go to test-artifacts/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { adminFor, bearer, ADMIN_TOKEN, type AdminServer } from './support.js';
import type { Stats } from '../../src/stats/funnel.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

function chromiumMissing(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  console.warn(`skipping the dashboard browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return `${CHROMIUM} missing`;
}

// Every order is due a second after it is placed, except P4 orders, which wait two hours.
const config = {
  timing: {
    default: { after: 'order' as const, delay: '1s' },
    rules: [{ when: { productId: ['P4'] }, after: 'order' as const, delay: '2h' }],
    quietHours: false as const,
  },
};

const skip = missing('postgres', 'redis') || chromiumMissing();

describe.skipIf(skip)('the admin dashboard in Chromium', () => {
  let smtp: SmtpSink;
  let app: TestApp;
  let admin: AdminServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Stats;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', config, smtpUrl: smtp.url });
    admin = await adminFor(app);
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    const orders = [
      sampleOrder('3001', { email: 'ann@example.com' }),
      sampleOrder('3002', { email: 'bob@example.com' }),
      sampleOrder('3003', { email: 'cy@example.com' }),
      sampleOrder('3004', { email: 'di@example.com', consent: false }), // skipped: no_consent
      sampleOrder('3005', { email: 'eve@example.com', productId: 'P4' }), // scheduled two hours out
    ];
    for (const o of orders) expect((await app.postEvent(o)).status).toBe(200);
    await smtp.waitFor(3, 20_000);
    expect(smtp.messages).toHaveLength(3);
    await until(
      async () =>
        (await app.db.pool.query(`SELECT 1 FROM cross_sells WHERE order_id = '3004' AND status = 'skipped'`)).rowCount,
      10_000,
    );

    // A customer clicks a product in the first email (the real /c/ route records it).
    const link = /https:\/\/aftercart\.test(\/c\/[A-Za-z0-9._~%-]+)/.exec(String(smtp.messages[0]!.html))?.[1];
    expect(link).toBeDefined();
    expect((await fetch(`${app.base}${link}`, { redirect: 'manual' })).status).toBe(302);
    // Conversion attribution is not built yet: record one attributed order by hand.
    await app.db.pool.query(
      `INSERT INTO conversions (cross_sell_id, store, order_id, revenue, currency, converted_at)
       SELECT id, store, '3999', 59.99, 'USD', now() FROM cross_sells WHERE store = 'demo' AND order_id = '3001'`,
    );
    api = await (await fetch(`${admin.base}/admin/api/stats`, { headers: bearer() })).json();

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await app?.stop();
    await smtp?.close();
  });

  it('the run produced the expected figures (the API the page shares its numbers with)', () => {
    expect(api).toMatchObject({
      received: 5,
      sent: 3,
      clicked: 1,
      converted: 1,
      pending: 1,
      skipped: { no_consent: 1 },
      attributedRevenue: { USD: '59.99' },
    });
    expect(api.upcoming.map((u) => u.orderId)).toEqual(['3005']);
  });

  it('without the token: the login form, and nothing else', async () => {
    await page.goto(`${admin.base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.content()).not.toContain('Funnel');
    await page.fill('#token', 'not-the-admin-token');
    await page.click('button[type=submit]');
    await page.getByText('That token is not right').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.screenshot({ path: `${ARTIFACTS}admin-login-refused.png` });
    const apiRes = await context.request.get(`${admin.base}/admin/api/stats`);
    expect(apiRes.status()).toBe(401);
    expect(await apiRes.json()).toEqual({ error: 'unauthorized' });
  });

  it('signs in through the form and shows the funnel and the per-day chart', async () => {
    await page.fill('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${admin.base}/admin`), page.click('button[type=submit]')]);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'aftercart_admin')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/admin',
    });

    const count = (step: string) => page.locator(`.step[data-step="${step}"] .count`).innerText();
    expect(await count('received')).toBe(String(api.received));
    expect(await count('scheduled')).toBe(String(api.scheduled));
    expect(await count('sent')).toBe('3');
    expect(await count('clicked')).toBe('1');
    expect(await count('converted')).toBe('1');
    expect(await page.locator('[data-figure="revenue"]').innerText()).toContain('USD 59.99');
    expect(await page.locator('tr[data-reason="no_consent"] td.num').first().innerText()).toBe('1');

    const bars = page.locator('svg.chart rect.bar');
    expect(await bars.count()).toBeGreaterThanOrEqual(1);
    const counts = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    const height = await bars.first().evaluate((r) => (r as SVGRectElement).getBBox().height);
    expect(height).toBeGreaterThan(10);
    await page.screenshot({ path: `${ARTIFACTS}admin-dashboard.png`, fullPage: true });
  });

  it('searches an order and shows its explanation', async () => {
    await page.fill('#order-q', '3001');
    await Promise.all([page.waitForURL(/order=3001/), page.click('form[role=search] button')]);
    const found = page.locator('article.explain[data-order="3001"]');
    expect(await found.locator('[data-status]').innerText()).toBe('sent');
    const text = await found.innerText();
    expect(text).toContain('HDMI 2.1 Cable');
    expect(text).toMatch(/Sent\s+\d{4}-\d\d-\d\d/);
    await page.screenshot({ path: `${ARTIFACTS}admin-order-sent.png`, fullPage: true });
  });

  it('opens Bull Board behind the same session', async () => {
    await page.goto(`${admin.base}/admin/queues`);
    // The board's script loads the queue through its API (behind the same cookie): 3005's delayed job.
    await page
      .getByText(/\b1 Jobs?\b/)
      .first()
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${ARTIFACTS}admin-queues.png` });
    // A fresh browser without the cookie is sent to the login form.
    const stranger = await browser.newContext();
    const p = await stranger.newPage();
    await p.goto(`${admin.base}/admin/queues`);
    expect(new URL(p.url()).pathname).toBe('/admin/login');
    await stranger.close();
  });

  it('cancels a scheduled cross-sell with its form', async () => {
    await page.goto(`${admin.base}/admin?order=3005`);
    const found = page.locator('article.explain[data-order="3005"]');
    expect(await found.locator('[data-status]').innerText()).toBe('scheduled');
    expect(await found.locator('button[data-action="send-now"]').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}admin-order-scheduled.png`, fullPage: true });
    await Promise.all([page.waitForURL(/notice=cancelled/), found.locator('button[data-action="cancel"]').click()]);
    expect(await page.locator('.notice:not(#missing-address)').innerText()).toContain('cancelled');
    expect(await page.locator('article.explain[data-order="3005"] [data-status]').innerText()).toBe('cancelled');
    const row = (await app.db.pool.query(`SELECT status, reason FROM cross_sells WHERE order_id = '3005'`)).rows[0];
    expect(row).toEqual({ status: 'cancelled', reason: 'cancelled' });
  });
});
