// Bundle offers end to end on Postgres + Redis + SMTP (issue #18): a pool of codes shared by two
// worker processes gives 30 emails 30 distinct codes; an empty pool sends the email without the
// panel and records why; a later order carrying a code converts that email with its revenue;
// the "Add all to cart" button lands on the product with the code, and without it after expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { explainOrder, formatExplanation } from '../../src/explain/explain-order.js';
import { addPoolCodes, poolLeft } from '../../src/offers/codes/pool.js';
import { loadStats } from '../../src/stats/funnel.js';
import type { TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import {
  crossSellOf,
  deliveryConfig,
  hrefs,
  local,
  mailTo,
  orderEvent,
  PUBLIC_URL,
  settled,
  startStore,
} from '../delivery/support.js';

const skip = missing('postgres', 'redis');
const EMAILS = 30;

describe.skipIf(skip)('bundle codes from a pool (Postgres + Redis + SMTP, two workers)', () => {
  let app: TestApp;
  let second: App;
  let smtp: SmtpSink;
  const offerOf = async (orderId: string) =>
    (await app.db.pool.query(`SELECT offer FROM cross_sells WHERE store = 'demo' AND order_id = $1`, [orderId])).rows[0]
      ?.offer;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startStore(smtp.url, {
      config: deliveryConfig({ recommend: { bundle: { percent: 10, validFor: '72h', codes: { source: 'pool' } } } }),
    });
    // A second worker process on the same database and queue.
    second = await openApp(app.settings, { http: false, workers: true, migrate: false }, createLogger('silent'));
    const codes = Array.from({ length: EMAILS + 10 }, (_, i) => `POOL-${String(i).padStart(3, '0')}`);
    expect(await addPoolCodes(app.db.pool, 'demo', [...codes, 'pool-001'])).toEqual({
      added: EMAILS + 10,
      duplicates: ['pool-001'],
    });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await app?.stop();
    await smtp?.close();
  });

  it(`${EMAILS} orders → ${EMAILS} emails with ${EMAILS} distinct codes; the pool drops by ${EMAILS}`, async () => {
    const orders = Array.from({ length: EMAILS }, (_, i) => String(9000 + i));
    const posted = await Promise.all(
      orders.map((id) => app.postEvent(orderEvent(id, { email: `pool${id}@example.com` }))),
    );
    expect(posted.map((r) => r.status)).toEqual(orders.map(() => 200));
    for (const id of orders)
      expect((await settled(app, id, ['sent', 'skipped', 'failed'], 60_000)).status).toBe('sent');
    const codes: string[] = [];
    for (const id of orders) {
      const offer = await offerOf(id);
      expect(offer).toMatchObject({
        status: 'offered',
        source: 'pool',
        currency: 'USD',
        total: '149.97',
        saving: '15.00',
        discounted: '134.97',
      });
      const mail = (await until(async () => mailTo(smtp, `pool${id}@example.com`)[0]))!;
      expect(mail.text).toContain(offer.code);
      expect(mail.html).toContain('data-bundle-offer');
      expect(mail.text).toContain('Add all to cart');
      codes.push(offer.code);
    }
    expect(new Set(codes).size).toBe(EMAILS);
    expect((await poolLeft(app.db.pool, 'demo')).demo).toBe(10);
    const stats = await loadStats(app.db.pool, { store: 'demo' });
    expect(stats.offers).toMatchObject({ codesIssued: EMAILS, poolLeft: { demo: 10 }, lowPools: ['demo'] });
  }, 120_000);

  it('the cart button lands on the bundle’s first product with the code, and without it after expiry', async () => {
    const mail = mailTo(smtp, 'pool9000@example.com')[0]!;
    const offer = await offerOf('9000');
    const cart = hrefs(mail.html).find((h) => {
      const t = app.links.verify(h.slice(`${PUBLIC_URL}/c/`.length));
      return t?.kind === 'c' && t.productId === '@cart';
    })!;
    expect(cart).toBeDefined();
    const before = new URL((await fetch(local(app, cart), { redirect: 'manual' })).headers.get('location')!);
    expect(`${before.origin}${before.pathname}`).toBe('https://shop.example/p/P3'); // the required cable first
    expect(before.searchParams.get('discount')).toBe(offer.code);
    await app.db.pool.query(
      `UPDATE cross_sells SET offer = jsonb_set(offer, '{expiresAt}', to_jsonb(now() - interval '1 minute')) WHERE order_id = '9000'`,
    );
    const after = new URL((await fetch(local(app, cart), { redirect: 'manual' })).headers.get('location')!);
    expect(`${after.origin}${after.pathname}`).toBe('https://shop.example/p/P3');
    expect(after.searchParams.has('discount')).toBe(false);
  });

  it('an empty pool: the email goes without the panel, and the decision records why', async () => {
    await app.db.pool.query(`DELETE FROM offer_codes WHERE store = 'demo' AND issued_at IS NULL`);
    expect((await app.postEvent(orderEvent('9100', { email: 'empty@example.com' }))).status).toBe(200);
    expect((await settled(app, '9100', ['sent', 'skipped', 'failed'], 30_000)).status).toBe('sent');
    const mail = (await until(async () => mailTo(smtp, 'empty@example.com')[0]))!;
    expect(mail.html).not.toContain('data-bundle-offer');
    expect(mail.text).toContain('HDMI 2.1 Cable');
    expect(await offerOf('9100')).toEqual({ status: 'none', reason: 'pool_empty', source: 'pool' });
    const [explained] = await explainOrder(app.db.pool, '9100', 'demo');
    expect(explained!.offer).toMatchObject({ reason: 'pool_empty' });
    expect(formatExplanation(explained!)).toContain('no bundle panel: pool_empty');
  });

  it('a later order carrying an email’s code (any customer, any case) converts that email with the order’s revenue', async () => {
    const offer = await offerOf('9005');
    const order = orderEvent('9200', {
      email: 'friend@example.com',
      productId: 'P2',
      title: 'Space Quest',
      unitPrice: '53.99',
    });
    (order.data.order as Record<string, unknown>).discountCodes = [offer.code.toLowerCase()];
    expect((await app.postEvent(order)).status).toBe(200);
    const xs = (await crossSellOf(app, '9005'))!;
    const { rows } = await app.db.pool.query(
      `SELECT order_id, revenue::text, via_code FROM conversions WHERE cross_sell_id = $1`,
      [xs.id],
    );
    expect(rows).toEqual([{ order_id: '9200', revenue: '53.99', via_code: offer.code }]);
    const stats = await loadStats(app.db.pool, { store: 'demo' });
    expect(stats.offers).toMatchObject({ codesRedeemed: 1, revenueThroughCodes: { USD: '53.99' } });
    expect(stats.converted).toBeGreaterThanOrEqual(1);
  });
});
