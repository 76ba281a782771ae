// Per-product timing on what stores really send: Shopify and WooCommerce order lines carry no
// product type, so a `productType` rule matches through the catalog (product webhooks or
// `import catalog`), on arrival, at every later event and at send time. Real payloads, unchanged.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, tempDir, until, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { importCatalog } from '../../src/import/import-catalog.js';
import { fixtureText, liveShopifyOrder as live, postShopifyRaw, postWoo } from '../ingest/routes/support.js';

const SHOPIFY_ORDER = '820982911946154500';
const SHOPIFY_PRODUCT = '788032119674292900'; // the products/create fixture ("Shirts") and three of the order's lines
const WOO_ORDER = '727';

const config = {
  timing: {
    default: { after: 'fulfilled' as const, delay: '3d' },
    rules: [
      { when: { productType: ['Shirts'] }, after: 'order' as const, delay: '2s' },
      { when: { productType: ['Clothing'] }, after: 'order' as const, delay: '2s' },
    ],
    quietHours: false as const,
    // The fixtures' orders are from 2017 and 2021: still within reach, so they can wait.
    expireAfter: '4000d',
  },
  eligibility: { requireConsent: false },
};

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('per-product timing from the catalog (Postgres + Redis + SMTP)', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  let dir: string;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', config, smtpUrl: smtp.url });
    dir = await tempDir();
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  /** The order's decision once it has this status; the last one seen when it never does. */
  async function decision(orderId: string, store: string, status?: string) {
    let seen: unknown;
    try {
      return await until(async () => {
        const found = await explainOrder(app.db.pool, orderId, store);
        seen = found;
        return found.find((e) => !status || e.status === status);
      }, 10_000);
    } catch {
      throw new Error(`order ${orderId} of ${store} never reached ${status}: ${JSON.stringify(seen)}`);
    }
  }

  /**
   * `import catalog` (canonical JSON lines): the bought product with a declared complement, so
   * the email has something to offer; `productType` only where the test gives one.
   */
  async function importCatalogFor(store: string, bought: { id: string; productType?: string }): Promise<void> {
    const products = [
      {
        id: bought.id,
        title: 'Bought',
        ...(bought.productType && { productType: bought.productType }),
        price: '10.00',
        complements: [{ id: 'ACC-1' }],
      },
      { id: 'ACC-1', title: 'Care Kit', productType: 'Accessory', price: '12.00', url: 'https://shop.example/p/acc-1' },
    ];
    const file = path.join(dir, `${store}.jsonl`);
    await writeFile(file, products.map((p) => JSON.stringify(p)).join('\n'));
    const r = await importCatalog(app.db.pool, store, file, { storeUrl: 'https://shop.example/' });
    expect(r.failed).toEqual([]);
  }

  it('Shopify: products/create, then orders/create without types: sent by the productType rule; a fulfilment after it answers 200', async () => {
    const shop = 'typed.myshopify.com';
    await importCatalogFor(shop, { id: SHOPIFY_PRODUCT });
    // The product's type comes from the real products/create payload ("Shirts").
    expect(
      (await postShopifyRaw(app, 'products/create', fixtureText('shopify-products-create.json'), { shop })).status,
    ).toBe(200);
    const before = smtp.messages.length;
    expect((await postShopifyRaw(app, 'orders/create', live('shopify-orders-create.json'), { shop })).status).toBe(200);
    await smtp.waitFor(before + 1, 10_000);
    const sent = await decision(SHOPIFY_ORDER, shop, 'sent');
    expect(sent.rule).toMatchObject({ index: 0, matchedLine: SHOPIFY_PRODUCT });
    expect(sent.trigger).toBe('order');

    // The next event re-decides from stored lines (no type on them): no fault, no 503.
    const fulfilled = await postShopifyRaw(
      app,
      'fulfillments/create',
      fixtureText('shopify-fulfillments-create.json'),
      { shop },
    );
    expect(fulfilled.status).toBe(200);
    expect(
      (await postShopifyRaw(app, 'orders/fulfilled', live('shopify-orders-fulfilled.json'), { shop })).status,
    ).toBe(200);
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('Shopify: a catalog imported after the order changes its rule at the next event; until then explain names the untyped products', async () => {
    const shop = 'late.myshopify.com';
    expect((await postShopifyRaw(app, 'orders/create', live('shopify-orders-create.json'), { shop })).status).toBe(200);
    const waiting = await decision(SHOPIFY_ORDER, shop);
    expect(waiting.status).toBe('waiting');
    expect(waiting.rule).toMatchObject({ index: null });
    expect(waiting.untypedProducts).toContain(SHOPIFY_PRODUCT);

    await importCatalogFor(shop, { id: SHOPIFY_PRODUCT, productType: 'Shirts' });
    const before = smtp.messages.length;
    const fulfilled = await postShopifyRaw(
      app,
      'fulfillments/create',
      fixtureText('shopify-fulfillments-create.json'),
      { shop },
    );
    expect(fulfilled.status).toBe(200);
    await smtp.waitFor(before + 1, 10_000);
    const sent = await decision(SHOPIFY_ORDER, shop, 'sent');
    expect(sent.rule).toMatchObject({ index: 0, matchedLine: SHOPIFY_PRODUCT });
    expect(sent.trigger).toBe('order');
    expect(sent.untypedProducts).not.toContain(SHOPIFY_PRODUCT);
  });

  it('WooCommerce: a catalog known before the order decides on arrival', async () => {
    const site = 'https://woo-typed.example/';
    await importCatalogFor('woo-typed.example', { id: '93', productType: 'Clothing' });
    const before = smtp.messages.length;
    expect((await postWoo(app, 'order.created', fixtureText('woocommerce-order-created.json'), { site })).status).toBe(
      200,
    );
    await smtp.waitFor(before + 1, 10_000);
    const sent = await decision(WOO_ORDER, 'woo-typed.example', 'sent');
    expect(sent.rule).toMatchObject({ index: 1, matchedLine: '93' });
  });

  it('WooCommerce: a catalog imported after the order changes its rule at the next order update', async () => {
    const site = 'https://woo-late.example/';
    expect((await postWoo(app, 'order.created', fixtureText('woocommerce-order-created.json'), { site })).status).toBe(
      200,
    );
    const waiting = await decision(WOO_ORDER, 'woo-late.example');
    expect(waiting.status).toBe('waiting');
    expect(waiting.untypedProducts).toEqual(expect.arrayContaining(['93', '22']));

    await importCatalogFor('woo-late.example', { id: '93', productType: 'Clothing' });
    const before = smtp.messages.length;
    expect((await postWoo(app, 'order.updated', fixtureText('woocommerce-order-updated.json'), { site })).status).toBe(
      200,
    );
    await smtp.waitFor(before + 1, 10_000);
    const sent = await decision(WOO_ORDER, 'woo-late.example', 'sent');
    expect(sent.rule).toMatchObject({ index: 1, matchedLine: '93' });
  });
});
