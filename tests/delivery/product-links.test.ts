// Product links from store data, end to end (issue 14): a URL that may not be a click target
// (javascript:, data:, //evil, user@host, CR/LF, another host) is dropped when the product
// arrives on any webhook route, with a warning naming the product id, and the email's tracked
// link answers 302 to store.url. A click re-checks what a send stored: old rows holding a bad
// URL redirect to store.url too, never a 500. Shopify links are store.url + /products/<handle>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { fixtureJson, postShopifyRaw, postWoo } from '../ingest/routes/support.js';
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
  type CrossSellRow,
} from './support.js';

const skip = missing('postgres', 'redis');
const STORE_URL = 'https://shop.example';
const HOSTILE: Record<string, string> = {
  B1: 'javascript:alert(document.cookie)',
  B2: '//evil.example/products/b2',
  B3: 'https://shop.example@evil.example/',
  B4: 'data:text/html,<script>alert(1)</script>',
  B5: 'vbscript:msgbox(1)',
  B6: 'file:///etc/passwd',
  B7: 'https://shop.example/p/B7\r\nSet-Cookie: a=b',
};

describe.skipIf(skip)('product links from store data (Postgres + Redis + SMTP)', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  const logs: string[] = [];

  const clickCount = async (id: string) =>
    (await app.db.pool.query(`SELECT count(*)::int AS n FROM clicks WHERE cross_sell_id = $1`, [id])).rows[0]
      .n as number;
  /** The tracked link of `productId` in `mail`, pointed at the test app. */
  const clickLink = (mail: ParsedMail, productId: string) => {
    const link = hrefs(mail.html).find((h) => {
      const t = h.startsWith(`${PUBLIC_URL}/c/`) ? app.links.verify(h.slice(`${PUBLIC_URL}/c/`.length)) : null;
      return t?.kind === 'c' && t.productId === productId;
    });
    expect(link, productId).toBeDefined();
    return local(app, link!);
  };
  /** GET a tracked link: its status and where it redirects (without the UTM tags). */
  const click = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    const target = location ? new URL(location) : null;
    return {
      status: res.status,
      target: target && `${target.origin}${target.pathname}`,
      utm: target?.searchParams.get('utm_source'),
    };
  };
  const storedUrl = async (store: string, productId: string) =>
    (await app.db.pool.query(`SELECT url FROM products WHERE store = $1 AND product_id = $2`, [store, productId]))
      .rows[0]?.url as string | null | undefined;
  const dropWarnings = () =>
    logs.filter((l) => l.includes('product link dropped')).map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startStore(smtp.url, {
      config: deliveryConfig({
        store: { url: STORE_URL, linkHosts: ['cdn.shop.example'] },
        eligibility: { requireConsent: false },
      }),
      logLines: logs,
      env: { LOG_LEVEL: 'warn' },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  describe('canonical product.upserted with hostile URLs', () => {
    let row: CrossSellRow;
    let mail: ParsedMail;

    beforeAll(async () => {
      const product = (id: string, url: string | undefined, extra: object = {}) =>
        app.postEvent({
          type: 'product.upserted',
          data: {
            store: 'demo',
            product: {
              id,
              title: `Item ${id}`,
              productType: `Accessory ${id}`,
              price: '9.99',
              currency: 'USD',
              available: true,
              url,
              ...extra,
            },
          },
        });
      for (const [id, url] of Object.entries(HOSTILE)) expect((await product(id, url)).status).toBe(200);
      expect((await product('C1', 'https://cdn.shop.example/p/C1')).status).toBe(200);
      const anchor = await product('L1', `${STORE_URL}/p/L1`, {
        productType: 'Console',
        complements: [{ id: 'B1' }, { id: 'B2' }, { id: 'B3' }],
      });
      expect(anchor.status).toBe(200);
      expect(
        (
          await app.postEvent(
            orderEvent('5001', { email: 'lin@example.com', productId: 'L1', title: 'Item L1', productType: 'Console' }),
          )
        ).status,
      ).toBe(200);
      row = await settled(app, '5001');
      expect(row.status).toBe('sent');
      mail = mailTo(smtp, 'lin@example.com')[0]!;
    });

    it('stores none of them, keeps links to the store host and to store.linkHosts', async () => {
      for (const id of Object.keys(HOSTILE)) expect(await storedUrl('demo', id), id).toBeNull();
      expect(await storedUrl('demo', 'C1')).toBe('https://cdn.shop.example/p/C1');
      expect(await storedUrl('demo', 'L1')).toBe(`${STORE_URL}/p/L1`);
    });

    it('logs one warning per dropped link, naming the product id and never the URL', () => {
      const warned = dropWarnings().filter((w) => w.store === 'demo');
      expect(warned.map((w) => w.productId).sort()).toEqual(Object.keys(HOSTILE).sort());
      for (const line of logs.filter((l) => l.includes('product link dropped'))) {
        expect(line).not.toMatch(/evil|javascript|vbscript|data:|file:|Set-Cookie/);
      }
    });

    it("the email's tracked links of those products answer 302 to store.url and record the click", async () => {
      expect(row.items!.map((i) => i.productId).sort()).toEqual(['B1', 'B2', 'B3']);
      for (const id of ['B1', 'B2', 'B3']) {
        const before = await clickCount(row.id);
        expect(await click(clickLink(mail, id)), id).toEqual({
          status: 302,
          target: `${STORE_URL}/`,
          utm: 'aftercart',
        });
        expect(await clickCount(row.id)).toBe(before + 1);
      }
    });

    it('a send stored before the check (CR/LF, javascript:, data:, another host) still redirects to store.url, never 500', async () => {
      const bad = ['https://shop.example/p\r\nSet-Cookie: a=b', 'javascript:alert(1)', 'https://evil.example/p'];
      const items = row.items!.map((item, i) => ({ ...item, url: bad[i] }));
      await app.db.pool.query(`UPDATE cross_sells SET items = $2::jsonb WHERE id = $1`, [
        row.id,
        JSON.stringify(items),
      ]);
      for (const item of items) {
        const before = await clickCount(row.id);
        expect(await click(clickLink(mail, item.productId)), item.url).toEqual({
          status: 302,
          target: `${STORE_URL}/`,
          utm: 'aftercart',
        });
        expect(await clickCount(row.id)).toBe(before + 1);
      }
    });
  });

  it('Shopify products/create (published payload): the link is store.url + /products/<handle>, not on the host of the (unsigned) shop-domain header', async () => {
    const shop = 'links-demo.myshopify.com';
    const tShirt = fixtureJson('shopify-products-create.json');
    // The bought product declares the T-shirt (as product 1001, another type) its complement (Search & Discovery).
    const metafields = [
      {
        namespace: 'shopify--discovery--product_recommendation',
        key: 'complementary_products',
        value: '["gid://shopify/Product/1001"]',
      },
    ];
    expect(
      (
        await postShopifyRaw(app, 'products/create', JSON.stringify({ ...tShirt, id: 1001, product_type: 'Socks' }), {
          shop,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await postShopifyRaw(app, 'products/create', JSON.stringify({ ...tShirt, handle: 'aviator', metafields }), {
          shop,
        })
      ).status,
    ).toBe(200);
    expect(await storedUrl(shop, '1001')).toBe(`${STORE_URL}/products/example-t-shirt`);

    // Today's paid order (the published sample is old, cancelled and voided).
    const order = fixtureJson('shopify-orders-create.json');
    const now = new Date().toISOString();
    expect(
      (
        await postShopifyRaw(
          app,
          'orders/create',
          JSON.stringify({
            ...order,
            created_at: now,
            processed_at: now,
            updated_at: now,
            cancelled_at: null,
            cancel_reason: null,
            financial_status: 'paid',
          }),
          { shop },
        )
      ).status,
    ).toBe(200);
    const orderId = String(order.id);
    const row = await until(async () => {
      const r = await crossSellOf(app, orderId, shop);
      return r && ['sent', 'skipped', 'failed'].includes(r.status) ? r : undefined;
    });
    expect(row, JSON.stringify(row)).toMatchObject({ status: 'sent' });
    const mail = smtp.messages.find((m) => m.messageId === row.message_id || `<${row.message_id}>` === m.messageId)!;
    expect(mail).toBeDefined();
    expect(await click(clickLink(mail, '1001'))).toEqual({
      status: 302,
      target: `${STORE_URL}/products/example-t-shirt`,
      utm: 'aftercart',
    });
  });

  it('WooCommerce product.created (published payload): a hostile permalink is dropped with a warning, a linkHosts one kept', async () => {
    const product = fixtureJson('woocommerce-product-created.json');
    const site = 'https://woo.shop.example/';
    const hostile = JSON.stringify({
      ...product,
      permalink: 'https://shop.example@evil.example/product/premium-quality-19/',
    });
    expect((await postWoo(app, 'product.created', hostile, { site })).status).toBe(200);
    const kept = JSON.stringify({
      ...product,
      id: 795,
      permalink: 'https://cdn.shop.example/product/premium-quality-19/',
    });
    expect((await postWoo(app, 'product.created', kept, { site })).status).toBe(200);
    expect(await storedUrl('woo.shop.example', '794')).toBeNull();
    expect(await storedUrl('woo.shop.example', '795')).toBe('https://cdn.shop.example/product/premium-quality-19/');
    expect(
      dropWarnings()
        .filter((w) => w.store === 'woo.shop.example')
        .map((w) => w.productId),
    ).toEqual(['794']);
  });
});
