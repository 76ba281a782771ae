// A store belongs to the source whose signed delivery named it first: another source's secret
// cannot speak for it (403, logged, nothing written). Through the real routes with the published
// payloads: a WooCommerce delivery naming a Shopify shop's domain must not cancel its order or
// rewrite its product.
import { randomBytes } from 'node:crypto';
import { copyFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { MIGRATIONS_DIR, migrate } from '../../../src/db/migrate.js';
import { Recorder } from '../../../src/ingest/record.js';
import { startTestApp, sampleOrder, type TestApp } from '../../support/app.js';
import { freshDatabase, missing, tempDir } from '../../support/services.js';
import { fixtureJson, postEventRaw, postShopifyRaw, postWoo, tableCounts, uniqueShop } from './support.js';

const recent = () => new Date(Date.now() - 3_600_000).toISOString();

function shopifyOrder(): string {
  const at = recent();
  return JSON.stringify({
    ...fixtureJson('shopify-orders-create.json'),
    created_at: at,
    processed_at: at,
    updated_at: at,
    cancelled_at: null,
    cancel_reason: null,
    financial_status: 'paid',
  });
}

describe.skipIf(missing('postgres', 'redis'))('a store belongs to the source that named it first', () => {
  let app: TestApp;
  const logLines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      workers: false,
      logLines,
      env: { LOG_LEVEL: 'warn' },
      config: { timing: { default: { after: 'order', delay: '2d' }, quietHours: false } },
    });
  });
  afterAll(async () => app?.stop());

  const snapshot = async (store: string) => {
    const one = async (sql: string) => (await app.db.pool.query(sql, [store])).rows;
    return {
      orders: await one(`SELECT order_id, cancelled_at, refunded_at, version FROM orders WHERE store = $1`),
      crossSells: await one(`SELECT id, status, reason FROM cross_sells WHERE store = $1`),
      products: await one(`SELECT product_id, title, url FROM products WHERE store = $1`),
    };
  };

  it('a WooCommerce delivery naming a Shopify shop is refused with 403: its order and product stay as they were', async () => {
    const shop = uniqueShop('owned');
    expect((await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop })).status).toBe(200);
    expect(
      (
        await postShopifyRaw(app, 'products/create', JSON.stringify(fixtureJson('shopify-products-create.json')), {
          shop,
        })
      ).status,
    ).toBe(200);
    const before = await snapshot(shop);
    expect(before.crossSells).toMatchObject([{ status: 'scheduled' }]);
    const counts = await tableCounts(app.db.pool);

    const orderId = before.orders[0].order_id as string;
    const productId = before.products[0].product_id as string;
    const cancel = JSON.stringify({
      ...fixtureJson('woocommerce-order-updated.json'),
      id: orderId,
      status: 'cancelled',
    });
    const rewrite = JSON.stringify({
      ...fixtureJson('woocommerce-product-created.json'),
      id: productId,
      permalink: 'https://elsewhere.example/p/',
    });
    for (const [topic, body] of [
      ['order.updated', cancel],
      ['product.updated', rewrite],
    ] as const) {
      const answer = await postWoo(app, topic, body, { site: `https://${shop}/` });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe(`store "${shop}" receives webhooks from shopify, not woocommerce`);
    }
    expect(await snapshot(shop)).toEqual(before);
    expect(await tableCounts(app.db.pool)).toEqual(counts); // not even the delivery is recorded

    const refusals = logLines
      .filter((l) => l.includes('the store belongs to another source'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(refusals).toHaveLength(2);
    for (const line of refusals)
      expect(line).toMatchObject({
        source: 'woocommerce',
        store: shop,
        owner: 'shopify',
        deliveryId: expect.stringMatching(/^42:[0-9a-f]{64}$/),
      });
    expect(refusals.map((l) => JSON.stringify(l)).join('\n')).not.toMatch(/example\.com|elsewhere|john/i); // no payload
  });

  it('the other way round: a Shopify delivery naming a WooCommerce site is refused', async () => {
    const site = `woo-${randomBytes(3).toString('hex')}.example`;
    expect(
      (
        await postWoo(app, 'order.created', JSON.stringify(fixtureJson('woocommerce-order-created.json')), {
          site: `https://${site}/`,
        })
      ).status,
    ).toBe(200);
    expect((await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop: site })).status).toBe(403);
    expect((await snapshot(site)).orders).toMatchObject([{ order_id: '727' }]);
  });

  it('canonical events are a source of their own; help-desk tickets may name any store', async () => {
    const shop = uniqueShop('events');
    const store = `events-${randomBytes(3).toString('hex')}`;
    expect((await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop })).status).toBe(200);
    expect((await postEventRaw(app, sampleOrder('E1', { store }))).status).toBe(200);
    const orderId = (await snapshot(shop)).orders[0].order_id as string;

    const cancel = { type: 'order.cancelled', data: { store: shop, orderId, at: new Date().toISOString() } };
    expect((await postEventRaw(app, cancel)).status).toBe(403);
    expect((await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop: store })).status).toBe(403);
    expect((await snapshot(shop)).orders).toMatchObject([{ cancelled_at: null }]);
    expect((await snapshot(store)).orders).toMatchObject([{ order_id: 'E1' }]);

    // A help desk reports tickets for the Shopify shop through the events route (README).
    const ticket = {
      type: 'ticket.opened',
      data: {
        store: shop,
        ticketId: 'T1',
        at: new Date().toISOString(),
        customer: { email: 'bob@example.com' },
        orderId,
      },
    };
    expect((await postEventRaw(app, ticket)).status).toBe(200);
    expect((await app.db.pool.query(`SELECT count(*)::int AS n FROM tickets WHERE store = $1`, [shop])).rows[0].n).toBe(
      1,
    );
  });

  it('ownership is recorded, not only remembered: a fresh process refuses too', async () => {
    const shop = uniqueShop('persisted');
    expect((await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop })).status).toBe(200);
    expect((await app.db.pool.query(`SELECT source FROM store_sources WHERE store = $1`, [shop])).rows).toEqual([
      { source: 'shopify' },
    ]);
    const recorder = new Recorder({ pool: app.db.pool, timing: () => parseConfig({}).timing });
    const outcome = await recorder.record({
      source: 'woocommerce',
      deliveryId: 'x',
      topic: 'order.deleted',
      store: shop,
      raw: null,
      events: [{ type: 'order.cancelled', data: { store: shop, orderId: '1', at: new Date().toISOString() } }],
    });
    expect(outcome).toMatchObject({ foreignStore: { store: shop, owner: 'shopify' }, schedule: [], unschedule: [] });
  });
});

describe.skipIf(missing('postgres'))('migration 0011 on a database with deliveries', () => {
  it('gives each known store to the source of its earliest delivery; tickets on the events route claim none', async () => {
    const db = await freshDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const before = await tempDir();
      for (const f of (await readdir(MIGRATIONS_DIR)).filter((f) => f < '0011'))
        await copyFile(path.join(MIGRATIONS_DIR, f), path.join(before, f));
      await migrate(pool, before);
      await pool.query(`INSERT INTO deliveries (source, delivery_id, store, topic, received_at) VALUES
        ('events', 't1', 'a.myshopify.com', 'ticket.opened', '2026-01-01'), ('shopify', 's1', 'a.myshopify.com', 'orders/create', '2026-01-02'),
        ('woocommerce', 'w1', 'a.myshopify.com', 'order.updated', '2026-01-03'), ('woocommerce', 'w2', 'shop.example', 'order.created', '2026-01-01')`);
      await migrate(pool);
      const { rows } = await pool.query(`SELECT store, source FROM store_sources ORDER BY store`);
      expect(rows).toEqual([
        { store: 'a.myshopify.com', source: 'shopify' },
        { store: 'shop.example', source: 'woocommerce' },
      ]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
