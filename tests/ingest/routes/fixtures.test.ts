// Every published fixture through HTTP against real Postgres + Redis: the answer and the rows
// it leaves. Each fixture goes to its own shop (or site), so its rows can be counted alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { missing } from '../../support/services.js';
import {
  fixture,
  fixtureNames,
  fixtureText,
  post,
  postShopifyRaw,
  postWoo,
  rows,
  tableCounts,
  uniqueShop,
  webhookCounter,
  type Answer,
} from './support.js';

type Table = 'deliveries' | 'orders' | 'order_lines' | 'products' | 'customers' | 'cross_sells';
type Expected = Partial<Record<Table, number>>;
const TABLES: Table[] = ['deliveries', 'orders', 'order_lines', 'products', 'customers', 'cross_sells'];

/** The published Shopify sample order: five lines, two of them custom items without a product. */
const ORDER = { deliveries: 1, orders: 1, order_lines: 3, customers: 1, cross_sells: 1 };
const ACCEPTED = { status: 200, body: { ok: true } };
const IGNORED = { status: 200, body: { ok: true, ignored: true } };
const NOTHING: Expected = {};

const shopifyCases: Record<string, { topic: string; answer: { status: number; body: object }; rows: Expected }> = {
  // Answered with a file of the customer's data (tests/ingest/routes/erasure-complete.test.ts); the delivery is kept, not its payload.
  'shopify-customers-data-request.json': { topic: 'customers/data_request', answer: ACCEPTED, rows: { deliveries: 1 } },
  // Customer topics update a customer we know; these shops know none, so only the delivery is kept.
  'shopify-customers-email-marketing-consent-update.json': {
    topic: 'customers_email_marketing_consent/update',
    answer: ACCEPTED,
    rows: { deliveries: 1 },
  },
  'shopify-customers-redact.json': { topic: 'customers/redact', answer: ACCEPTED, rows: { deliveries: 1 } },
  'shopify-customers-update-2024-10.json': { topic: 'customers/update', answer: ACCEPTED, rows: { deliveries: 1 } },
  'shopify-customers-update.json': { topic: 'customers/update', answer: ACCEPTED, rows: { deliveries: 1 } },
  // status in_transit / shipment_status null: nothing to record.
  'shopify-fulfillment-events-create.json': { topic: 'fulfillment_events/create', answer: IGNORED, rows: NOTHING },
  // A live (pending) fulfilment of an order not seen yet: the order row holds the milestone.
  'shopify-fulfillments-create.json': {
    topic: 'fulfillments/create',
    answer: ACCEPTED,
    rows: { deliveries: 1, orders: 1 },
  },
  'shopify-fulfillments-update.json': {
    topic: 'fulfillments/update',
    answer: ACCEPTED,
    rows: { deliveries: 1, orders: 1 },
  },
  'shopify-inventory-items-update.json': { topic: 'inventory_items/update', answer: IGNORED, rows: NOTHING },
  'shopify-orders-cancelled.json': { topic: 'orders/cancelled', answer: ACCEPTED, rows: ORDER },
  'shopify-orders-create-2024-10.json': { topic: 'orders/create', answer: ACCEPTED, rows: ORDER },
  'shopify-orders-create.json': { topic: 'orders/create', answer: ACCEPTED, rows: ORDER },
  'shopify-orders-fulfilled.json': { topic: 'orders/fulfilled', answer: ACCEPTED, rows: ORDER },
  'shopify-orders-paid.json': { topic: 'orders/paid', answer: ACCEPTED, rows: ORDER },
  'shopify-orders-updated.json': { topic: 'orders/updated', answer: ACCEPTED, rows: ORDER },
  'shopify-products-create.json': { topic: 'products/create', answer: ACCEPTED, rows: { deliveries: 1, products: 1 } },
  'shopify-products-update.json': { topic: 'products/update', answer: ACCEPTED, rows: { deliveries: 1, products: 1 } },
  // A refund of an order not seen yet: the order row holds the refund until the order arrives.
  'shopify-refunds-create.json': { topic: 'refunds/create', answer: ACCEPTED, rows: { deliveries: 1, orders: 1 } },
  'shopify-returns-approve.json': { topic: 'returns/approve', answer: IGNORED, rows: NOTHING },
  'shopify-returns-close.json': { topic: 'returns/close', answer: IGNORED, rows: NOTHING },
  'shopify-returns-request.json': { topic: 'returns/request', answer: IGNORED, rows: NOTHING },
  'shopify-shop-redact.json': { topic: 'shop/redact', answer: ACCEPTED, rows: { deliveries: 1 } },
  'shopify-variants-in-stock.json': { topic: 'variants/in_stock', answer: IGNORED, rows: NOTHING },
  'shopify-variants-out-of-stock.json': { topic: 'variants/out_of_stock', answer: IGNORED, rows: NOTHING },
};

const WOO_ORDER = { deliveries: 1, orders: 1, order_lines: 2, customers: 1, cross_sells: 1 };
const wooCases: Record<string, { topic: string; answer: { status: number; body: object }; rows: Expected }> = {
  'woocommerce-order-created.json': { topic: 'order.created', answer: ACCEPTED, rows: WOO_ORDER },
  'woocommerce-order-updated.json': { topic: 'order.updated', answer: ACCEPTED, rows: WOO_ORDER },
  // The refund resource is not an order payload (a refund arrives as order.updated with the
  // whole order): the documented answer is a 400 naming the first missing field.
  'woocommerce-order-refund.json': {
    topic: 'order.updated',
    answer: { status: 400, body: { error: 'currency: missing (expected a non-empty string)' } },
    rows: NOTHING,
  },
  'woocommerce-product-created.json': {
    topic: 'product.created',
    answer: ACCEPTED,
    rows: { deliveries: 1, products: 1 },
  },
};

describe.skipIf(missing('postgres', 'redis'))('published fixtures through POST /webhooks/:source', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
  });
  afterAll(async () => app?.stop());

  const countsFor = async (store: string) => {
    const out: Expected = {};
    for (const t of TABLES) out[t] = await rows(app.db.pool, t, store);
    return out;
  };
  const expectRows = async (store: string, expected: Expected) =>
    expect(await countsFor(store)).toEqual(Object.fromEntries(TABLES.map((t) => [t, expected[t] ?? 0])));
  const expectAnswer = (answer: Answer, expected: { status: number; body: object }) =>
    expect({ status: answer.status, body: answer.body }, answer.text).toEqual(expected);

  it('every fixture is covered by a case below', () => {
    expect(fixtureNames('shopify-')).toEqual(Object.keys(shopifyCases).sort());
    expect(fixtureNames('woocommerce-')).toEqual(Object.keys(wooCases).sort());
  });

  it.each(Object.entries(shopifyCases))('Shopify %s', async (file, c) => {
    const shop = uniqueShop(file);
    expectAnswer(await postShopifyRaw(app, c.topic, fixture(file), { shop }), c.answer);
    await expectRows(shop, c.rows);
  });

  it.each(Object.entries(wooCases))('WooCommerce %s', async (file, c) => {
    const site = uniqueShop(file).replace('.myshopify.com', '.example');
    expectAnswer(await postWoo(app, c.topic, fixture(file), { site: `https://${site}/` }), c.answer);
    await expectRows(site, c.rows);
  });

  it('an order fixture leaves its order, lines, customer, cross-sell and the raw payload', async () => {
    const shop = uniqueShop('order-detail');
    const raw = fixture('shopify-orders-create.json');
    expect((await postShopifyRaw(app, 'orders/create', raw, { shop })).status).toBe(200);
    const {
      rows: [order],
    } = await app.db.pool.query(
      `SELECT order_id, created_at, currency, shipping_country, total, cancelled_at FROM orders WHERE store = $1`,
      [shop],
    );
    // The published file's id is already rounded by a JSON.parse upstream (PROVENANCE.md).
    expect(order).toEqual({
      order_id: '820982911946154500',
      created_at: new Date('2022-01-01T00:00:00Z'),
      currency: 'USD',
      shipping_country: 'US',
      total: '369.97',
      cancelled_at: new Date('2022-01-01T00:00:00Z'),
    });
    const lines = await app.db.pool.query(
      `SELECT product_id, title, quantity, unit_price FROM order_lines WHERE store = $1 ORDER BY line_no`,
      [shop],
    );
    expect(lines.rows).toEqual([
      { product_id: '788032119674292900', title: 'Aviator sunglasses', quantity: 1, unit_price: '89.99' },
      { product_id: '788032119674292900', title: 'Mid-century lounger', quantity: 1, unit_price: '159.99' },
      { product_id: '788032119674292900', title: 'Coffee table', quantity: 1, unit_price: '119.99' },
    ]);
    const customer = await app.db.pool.query(
      `SELECT email, first_name, last_name, marketing_consent FROM customers WHERE store = $1`,
      [shop],
    );
    expect(customer.rows).toEqual([
      { email: 'jon@example.com', first_name: 'John', last_name: 'Smith', marketing_consent: true },
    ]);
    // The sample order is cancelled (cancelled_at is set): its cross-sell never goes out.
    const xs = await app.db.pool.query(`SELECT status, reason FROM cross_sells WHERE store = $1`, [shop]);
    expect(xs.rows).toEqual([{ status: 'cancelled', reason: 'order_cancelled' }]);
    const delivery = await app.db.pool.query(`SELECT topic, payload FROM deliveries WHERE store = $1`, [shop]);
    expect(delivery.rows).toHaveLength(1);
    expect(delivery.rows[0].topic).toBe('orders/create');
    expect(Buffer.compare(delivery.rows[0].payload, raw)).toBe(0);
  });

  // BUG (src/ingest/sql/record-refund.sql, CTE line_update): the returned units of a product are
  // all put on its first line (`l.line_no = (SELECT min(line_no) ...)`) and capped there by that
  // line's quantity, so a product on several lines (variants; in this sample, three lines of one
  // product) is recorded as 1 unit back instead of 3: the return rate undercounts, and the worker's
  // "every unit back" check (returnedQuantity per line) never holds.
  it('the published refund after its order: each of the three refunded lines is returned once', async () => {
    const shop = uniqueShop('refund-lines');
    expect((await postShopifyRaw(app, 'orders/create', fixture('shopify-orders-create.json'), { shop })).status).toBe(
      200,
    );
    expect((await postShopifyRaw(app, 'refunds/create', fixture('shopify-refunds-create.json'), { shop })).status).toBe(
      200,
    );
    const { rows: lines } = await app.db.pool.query(
      `SELECT title, quantity, returned_quantity FROM order_lines WHERE store = $1 ORDER BY line_no`,
      [shop],
    );
    expect(lines).toEqual([
      { title: 'Aviator sunglasses', quantity: 1, returned_quantity: 1 },
      { title: 'Mid-century lounger', quantity: 1, returned_quantity: 1 },
      { title: 'Coffee table', quantity: 1, returned_quantity: 1 },
    ]);
    const { rows: order } = await app.db.pool.query(
      `SELECT o.refunded_amount, (SELECT sum(returned_amount)::text FROM order_lines l WHERE l.store = o.store) AS returned_amount FROM orders o WHERE store = $1`,
      [shop],
    );
    // The refund's line subtotals add up to 369.97; the money actually refunded was 75.00 + 10.00.
    expect(order).toEqual([{ refunded_amount: '85.00', returned_amount: '369.97' }]);
  });

  it('a WooCommerce order fixture: the order, its two lines and the decoded names', async () => {
    const site = 'woo-detail.example';
    const answer = await postWoo(app, 'order.created', fixture('woocommerce-order-created.json'), {
      site: `https://${site}/`,
      webhookId: '7',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.duplicate).toBeFalsy();
    const lines = await app.db.pool.query(
      `SELECT product_id, variant_id, title, quantity, unit_price FROM order_lines WHERE store = $1 ORDER BY line_no`,
      [site],
    );
    expect(lines.rows).toEqual([
      { product_id: '93', variant_id: null, title: 'Woo Single #1', quantity: 2, unit_price: '3.00' },
      {
        product_id: '22',
        variant_id: '23',
        title: 'Ship Your Idea \u2013 Color: Black, Size: M Test',
        quantity: 1,
        unit_price: '12.00',
      },
    ]);
    const order = await app.db.pool.query(`SELECT order_id, created_at, paid_at, total FROM orders WHERE store = $1`, [
      site,
    ]);
    expect(order.rows).toEqual([
      {
        order_id: '727',
        created_at: new Date('2017-03-22T19:28:02Z'),
        paid_at: new Date('2017-03-22T19:28:08Z'),
        total: '18.00',
      },
    ]);
  });

  // BUG (src/ingest/sources/woocommerce.ts): the delivery id is `${X-WC-Webhook-ID}:${sha256(body)}`
  // and deliveries are unique on (source, delivery_id) without the store, so a second site whose
  // webhook has the same (small, per-site) id and sends the same bytes is taken for a duplicate:
  // here site B's order.deleted ({ "id": 727 }) is dropped and its order is never cancelled.
  it('two WooCommerce sites, same webhook id, same bytes: two deliveries, both recorded', async () => {
    const body = JSON.stringify({ id: 727 });
    const a = await postWoo(app, 'order.deleted', body, { site: 'https://site-a.example/', webhookId: '3' });
    const b = await postWoo(app, 'order.deleted', body, { site: 'https://site-b.example/', webhookId: '3' });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.duplicate).toBeFalsy();
    const { rows: cancelled } = await app.db.pool.query(
      `SELECT store FROM orders WHERE order_id = '727' AND cancelled_at IS NOT NULL AND store IN ('site-a.example', 'site-b.example') ORDER BY store`,
    );
    expect(cancelled).toEqual([{ store: 'site-a.example' }, { store: 'site-b.example' }]);
  });

  it('the WooCommerce creation ping (form-encoded webhook_id=1, unsigned) answers 200 and writes nothing', async () => {
    const before = await tableCounts(app.db.pool);
    const answer = await post(app, 'woocommerce', 'webhook_id=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status, answer.text).toBe(200);
    expect(await tableCounts(app.db.pool)).toEqual(before);
  });

  it('an 18-digit Shopify order id is stored digit for digit', async () => {
    const shop = uniqueShop('big-id');
    const text = fixtureText('shopify-orders-create.json')
      .replace('"id": 820982911946154500,', '"id": 820982911946154508,')
      .replace('"id": 115310627314723950,', '"id": 115310627314723954,');
    expect(text).toContain('"id": 820982911946154508,');
    expect(text).toContain('"id": 115310627314723954,');
    expect((await postShopifyRaw(app, 'orders/create', text, { shop })).status).toBe(200);
    const { rows: orders } = await app.db.pool.query(`SELECT order_id FROM orders WHERE store = $1`, [shop]);
    expect(orders).toEqual([{ order_id: '820982911946154508' }]);
    const lines = await app.db.pool.query(`SELECT DISTINCT order_id FROM order_lines WHERE store = $1`, [shop]);
    expect(lines.rows).toEqual([{ order_id: '820982911946154508' }]);
    const xs = await app.db.pool.query(`SELECT order_id FROM cross_sells WHERE store = $1`, [shop]);
    expect(xs.rows).toEqual([{ order_id: '820982911946154508' }]);
    const customer = await app.db.pool.query(`SELECT external_id FROM customers WHERE store = $1`, [shop]);
    expect(customer.rows).toEqual([{ external_id: '115310627314723954' }]);
  });

  it('one merchant action under two webhook ids (same X-Shopify-Event-Id and topic): one delivery, the second a duplicate', async () => {
    const shop = uniqueShop('event-id');
    const body = fixture('shopify-orders-create.json');
    const eventId = 'b1f2c3d4-0000-4000-8000-000000000001';
    const first = await postShopifyRaw(app, 'orders/create', body, { shop, webhookId: 'wh-first', eventId });
    expect(first.status).toBe(200);
    expect(first.body.duplicate).toBeFalsy();
    const second = await postShopifyRaw(app, 'orders/create', body, { shop, webhookId: 'wh-second', eventId });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ duplicate: true });
    expect(await rows(app.db.pool, 'deliveries', shop)).toBe(1);
    expect(await rows(app.db.pool, 'orders', shop)).toBe(1);
    expect(await rows(app.db.pool, 'order_lines', shop)).toBe(3);

    // The same webhook id again is a duplicate too, and another topic of the same action is not.
    expect((await postShopifyRaw(app, 'orders/create', body, { shop, webhookId: 'wh-first' })).body).toMatchObject({
      duplicate: true,
    });
    const paid = await postShopifyRaw(app, 'orders/paid', body, { shop, webhookId: 'wh-third', eventId });
    expect(paid.status).toBe(200);
    expect(paid.body.duplicate).toBeFalsy();
    expect(await rows(app.db.pool, 'deliveries', shop)).toBe(2);
  });

  it('an unknown topic answers 200, is ignored, writes nothing and is counted as ignored (topic "other")', async () => {
    const labels = { source: 'shopify', topic: 'other', outcome: 'ignored' };
    const counted = await webhookCounter(app, labels);
    const before = await tableCounts(app.db.pool);
    const answer = await postShopifyRaw(app, 'app/uninstalled', JSON.stringify({ id: 1, name: 'Super Toys' }));
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { ok: true, ignored: true } });
    expect(await tableCounts(app.db.pool)).toEqual(before);
    expect(await webhookCounter(app, labels)).toBe(counted + 1);
  });
});
