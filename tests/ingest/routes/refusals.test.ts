// Every refusal of POST /webhooks/:source through HTTP against real Postgres + Redis: the status,
// a body that says what is wrong, and not one new row in any table.
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../../src/config/load.js';
import { startTestApp, sampleOrder, type TestApp } from '../../support/app.js';
import { missing } from '../../support/services.js';
import {
  eventHeaders,
  fixture,
  fixtureJson,
  fixtureText,
  post,
  postEventRaw,
  postShopifyRaw,
  postWoo,
  shopifyHeaders,
  tableCounts,
  wooHeaders,
  type Answer,
  type Counts,
} from './support.js';

const skip = missing('postgres', 'redis');
const json = (value: unknown) => JSON.stringify(value);
const without = (obj: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));

/** The answer, checked: its status and that its JSON `error` says something. */
function expectRefusal(answer: Answer, status: number, error?: string | RegExp): void {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status });
  if (error !== undefined) expect(String(answer.body.error ?? answer.body.message ?? '')).toMatch(error);
}

/** Counts every table before each test and checks after it that nothing was written. */
function nothingWritten(getApp: () => TestApp) {
  let before: Counts;
  beforeEach(async () => {
    before = await tableCounts(getApp().db.pool);
  });
  afterEach(async () => {
    expect(await tableCounts(getApp().db.pool)).toEqual(before);
  });
}

describe.skipIf(skip)('refusals with every secret configured', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
    // A known order and customer, so a refusal that wrote anything would show in the counts.
    expect((await app.postEvent(sampleOrder('KNOWN-1'))).status).toBe(200);
  });
  afterAll(async () => app?.stop());
  nothingWritten(() => app);

  describe('malformed JSON → 400 naming the problem', () => {
    const broken = '{"id": 820982911946154508, "line_items": [';
    it('Shopify', async () => {
      expectRefusal(await postShopifyRaw(app, 'orders/create', broken), 400, /^body is not valid JSON/);
    });
    it('WooCommerce', async () => {
      expectRefusal(await postWoo(app, 'order.created', broken), 400, /^body is not valid JSON/);
    });
    it('events', async () => {
      expectRefusal(await postEventRaw(app, broken), 400, /^body is not valid JSON/);
    });
    it('an empty body, a JSON list, bytes that are not UTF-8', async () => {
      expectRefusal(await postShopifyRaw(app, 'orders/create', ''), 400, /body is empty/);
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', '[1, 2]'),
        400,
        /^body: expected a JSON object, got a list/,
      );
      expectRefusal(await postWoo(app, 'order.created', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, /not valid UTF-8/);
      expectRefusal(await postEventRaw(app, 'null'), 400, /body/);
    });
  });

  describe('a required field missing → 400 naming the field', () => {
    it('Shopify orders/create without currency', async () => {
      const body = json(without(fixtureJson('shopify-orders-create.json'), 'currency'));
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', body),
        400,
        'currency: missing (expected a non-empty string)',
      );
    });
    it('Shopify orders/create with a line without a price', async () => {
      const order = fixtureJson('shopify-orders-create.json');
      const lines = (order.line_items as Record<string, unknown>[]).map((l, i) => (i === 3 ? without(l, 'price') : l));
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', json({ ...order, line_items: lines })),
        400,
        /^line_items\[3\]\.price: missing/,
      );
    });
    it('Shopify products/update without a title', async () => {
      const body = json(without(fixtureJson('shopify-products-update.json'), 'title'));
      expectRefusal(await postShopifyRaw(app, 'products/update', body), 400, /^title: missing/);
    });
    it('WooCommerce order.created without line_items', async () => {
      const body = json(without(fixtureJson('woocommerce-order-created.json'), 'line_items'));
      expectRefusal(await postWoo(app, 'order.created', body), 400, 'line_items: missing (expected a list)');
    });
    it('events: order.created without an order id, and an unknown type', async () => {
      const event = sampleOrder('NO-ID');
      const body = { ...event, data: { ...event.data, order: without(event.data.order, 'id') } };
      expectRefusal(await postEventRaw(app, body), 400, /data\.order\.id/);
      expectRefusal(await postEventRaw(app, { type: 'order.exploded', data: { store: 'demo' } }), 400, /type/);
    });
    it('a missing Shopify or WooCommerce header is named', async () => {
      const body = fixture('shopify-orders-create.json');
      const headers = shopifyHeaders('orders/create', body);
      delete headers['x-shopify-topic'];
      expectRefusal(await post(app, 'shopify', body, headers), 400, 'missing X-Shopify-Topic header');
      const woo = fixture('woocommerce-order-created.json');
      const wooH = wooHeaders('order.created', woo);
      delete wooH['x-wc-webhook-source'];
      expectRefusal(await post(app, 'woocommerce', woo, wooH), 400, 'missing X-WC-Webhook-Source header');
    });
  });

  // Values our columns cannot hold are the sender's error (400), not a database outage (503): a
  // 503 makes the store retry the same bytes for days (Shopify then drops the subscription).
  // BUG (src/http/webhooks.ts + src/domain/canonical-event.ts): the canonical schema lets through values
  // Postgres refuses (a quantity above int4, a price or total beyond numeric(14,2), a time
  // Date.parse reads but Postgres does not, a NUL character in text), and the route answers every
  // error from the recorder with 503 "temporarily unavailable".
  describe('values out of range for storage → 400, not 503', () => {
    const shopifyOrder = (change: (o: Record<string, unknown>) => Record<string, unknown>) =>
      json(change(fixtureJson('shopify-orders-create.json')));
    const firstLine = (o: Record<string, unknown>, patch: object) => ({
      ...o,
      line_items: (o.line_items as object[]).map((l, i) => (i === 0 ? { ...l, ...patch } : l)),
    });

    it('Shopify: a line quantity of 2^31', async () => {
      const body = shopifyOrder((o) => firstLine(o, { quantity: 2 ** 31 }));
      expectRefusal(await postShopifyRaw(app, 'orders/create', body), 400, /quantity/);
    });
    it('Shopify: a line price of 1e20 (a JSON number)', async () => {
      const body = shopifyOrder((o) => firstLine(o, { price: 1e20 }));
      expectRefusal(await postShopifyRaw(app, 'orders/create', body), 400, /price/i);
    });
    it('Shopify: created_at in year 9999 at -05:00 (year 10000 in UTC)', async () => {
      const body = shopifyOrder((o) => ({ ...o, created_at: '9999-12-31T23:59:59-05:00' }));
      expectRefusal(await postShopifyRaw(app, 'orders/create', body), 400, /created_?at/i);
    });
    it('events: a unit price of 10^12', async () => {
      const event = sampleOrder('HUGE-PRICE');
      event.data.order.lines[0]!.unitPrice = '1000000000000.00';
      expectRefusal(await postEventRaw(app, event), 400, /unitPrice/);
    });
    it('events: createdAt "2024" (Date.parse reads it, Postgres does not)', async () => {
      const event = sampleOrder('YEAR-ONLY');
      event.data.order.createdAt = '2024';
      expectRefusal(await postEventRaw(app, event), 400, /createdAt/);
    });
    // BUG (src/domain/canonical-event.ts `ticket.customer.email: z.string()`; src/ingest/record.ts writes
    // customerKey(...) = null into tickets.customer_key NOT NULL): 503 instead of 400.
    it.each(['', 'not-an-address'])('events: ticket.opened with customer email "%s"', async (email) => {
      const event = {
        type: 'ticket.opened',
        data: { store: 'demo', ticketId: `T-${email}`, at: new Date().toISOString(), customer: { email } },
      };
      expectRefusal(await postEventRaw(app, event), 400, /customer\.email/);
    });
    it('events: a NUL character in a name', async () => {
      const event = sampleOrder('NUL-NAME');
      event.data.order.customer.firstName = 'A\u0000B';
      expectRefusal(await postEventRaw(app, event), 400, /firstName/);
    });
  });

  describe('wrong content type → 415', () => {
    it.each([
      ['shopify', 'text/plain'],
      ['shopify', 'application/x-www-form-urlencoded'],
      ['woocommerce', 'text/plain'],
      ['woocommerce', 'multipart/form-data; boundary=x'],
      ['events', 'application/xml'],
      ['events', 'application/x-www-form-urlencoded'],
    ])('%s with %s', async (route, type) => {
      const body =
        route === 'woocommerce'
          ? fixture('woocommerce-order-created.json')
          : route === 'shopify'
            ? fixture('shopify-orders-create.json')
            : Buffer.from(json(sampleOrder('CT-1')));
      const headers =
        route === 'shopify'
          ? shopifyHeaders('orders/create', body)
          : route === 'woocommerce'
            ? wooHeaders('order.created', body)
            : eventHeaders(body);
      expectRefusal(
        await post(app, route, body, { ...headers, 'content-type': type }),
        415,
        /content type must be application\/json/,
      );
    });
    it('no content type at all', async () => {
      const body = fixture('shopify-orders-create.json');
      const headers = shopifyHeaders('orders/create', body);
      delete headers['content-type'];
      expectRefusal(await post(app, 'shopify', body, headers), 415, /got "none"/);
    });
  });

  describe('bad or missing signature → 401', () => {
    const order = fixture('shopify-orders-create.json');
    it('Shopify: missing, wrong, of other bytes, of another length', async () => {
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', order, { signature: false }),
        401,
        'missing X-Shopify-Hmac-Sha256 header',
      );
      const otherBytes = shopifyHeaders('orders/create', order.subarray(1))['x-shopify-hmac-sha256']!;
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', order, { signature: otherBytes }),
        401,
        /does not match/,
      );
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', order, { signature: 'c2hvcnQ=' }),
        401,
        /does not match/,
      );
      expectRefusal(
        await postShopifyRaw(app, 'orders/create', order, {
          signature: 'not base64 at all, and long enough to matter',
        }),
        401,
        /does not match/,
      );
    });
    it('WooCommerce: missing, wrong', async () => {
      const body = fixture('woocommerce-order-created.json');
      expectRefusal(
        await postWoo(app, 'order.created', body, { signature: false }),
        401,
        'missing X-WC-Webhook-Signature header',
      );
      expectRefusal(await postWoo(app, 'order.created', body, { signature: 'AAAA' }), 401, /does not match/);
    });
    it('WooCommerce: a ping carrying a wrong signature is refused too', async () => {
      const answer = await post(app, 'woocommerce', 'webhook_id=1', {
        'content-type': 'application/x-www-form-urlencoded',
        'x-wc-webhook-signature': 'AAAA',
      });
      expectRefusal(answer, 401, /does not match/);
    });
    it('events: missing, another secret, too old', async () => {
      const body = json(sampleOrder('SIG-1'));
      expectRefusal(await postEventRaw(app, body, { signature: false }), 401, 'missing webhook-signature header');
      expectRefusal(
        await postEventRaw(app, body, {
          secret: `whsec_${Buffer.from('another secret, 24 bytes').toString('base64')}`,
        }),
        401,
        /no webhook-signature matches/,
      );
      const headers = eventHeaders(body);
      const old = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 600) };
      expectRefusal(await post(app, 'events', body, old), 401, /too old/);
    });
  });

  describe('no such source → 404', () => {
    it('/webhooks/nope names the sources there are', async () => {
      const body = fixture('shopify-orders-create.json');
      expectRefusal(
        await post(app, 'nope', body, shopifyHeaders('orders/create', body)),
        404,
        'no webhook source "nope"; use shopify, woocommerce or events',
      );
    });
    // BUG (src/http/webhooks.ts): `ROUTES[req.params.source]` reads inherited keys of the object
    // literal, so /webhooks/constructor (toString, __proto__, ...) gets a function as the source
    // name and crashes in secretVariable(): 500 "name.toUpperCase is not a function".
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
      '/webhooks/%s is not a source either',
      async (name) => {
        expectRefusal(
          await post(app, name, '{}', { 'content-type': 'application/json' }),
          404,
          `no webhook source "${name}"`,
        );
      },
    );
  });
});

describe.skipIf(skip)('over the body limit → 413', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false, config: { ingest: { bodyLimit: 10_000 } } });
  });
  afterAll(async () => app?.stop());
  nothingWritten(() => app);

  it('the Shopify sample order (14,894 bytes), signed', async () => {
    const body = fixture('shopify-orders-create.json');
    expect(body.length).toBeGreaterThan(10_000);
    expectRefusal(await postShopifyRaw(app, 'orders/create', body), 413);
  });
  it('WooCommerce and events bodies of 10,001 bytes', async () => {
    const padded = (text: string) =>
      text.replace(/\}\s*$/, '') + ' '.repeat(10_000 - text.replace(/\}\s*$/, '').length) + '}';
    const woo = padded(fixtureText('woocommerce-order-created.json'));
    expect(Buffer.byteLength(woo)).toBe(10_001);
    expectRefusal(await postWoo(app, 'order.created', woo), 413);
    const event = padded(json(sampleOrder('BIG-1')));
    expectRefusal(await postEventRaw(app, event), 413);
  });
  it('a chunked body (no Content-Length) that grows past the limit', async () => {
    const body = fixture('shopify-orders-create.json');
    const res = await fetch(`${app.base}/webhooks/shopify`, {
      method: 'POST',
      headers: shopifyHeaders('orders/create', body),
      body: Readable.toWeb(Readable.from([body.subarray(0, 8_000), body.subarray(8_000)])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });
  it('exactly at the limit is read (and then judged on its content)', async () => {
    const text = fixtureText('woocommerce-order-created.json');
    const exact = text.replace(/\}\s*$/, '') + ' '.repeat(9_999 - text.replace(/\}\s*$/, '').length) + '}';
    expect(Buffer.byteLength(exact)).toBe(10_000);
    // Signed with the wrong secret: past the limit check, refused by the signature.
    expectRefusal(await postWoo(app, 'order.created', exact, { signature: 'AAAA' }), 401);
  });
});

describe.skipIf(skip)('a source with no secret configured → 404', () => {
  let app: TestApp;
  beforeAll(async () => {
    // parseEnv reads an undefined value as unset: the app starts with no webhook secret at all.
    const unset = undefined as unknown as string;
    app = await startTestApp({
      setup: 'services',
      workers: false,
      env: { SHOPIFY_WEBHOOK_SECRET: unset, WOOCOMMERCE_WEBHOOK_SECRET: unset, STANDARD_WEBHOOK_SECRET: unset },
    });
  });
  afterAll(async () => app?.stop());
  nothingWritten(() => app);

  it.each([
    ['shopify', 'SHOPIFY'],
    ['woocommerce', 'WOOCOMMERCE'],
    ['events', 'STANDARD'],
  ])('%s answers 404 saying it is not enabled, whatever the request', async (route) => {
    const body =
      route === 'woocommerce'
        ? fixture('woocommerce-order-created.json')
        : route === 'shopify'
          ? fixture('shopify-orders-create.json')
          : Buffer.from(json(sampleOrder('NS-1')));
    const headers =
      route === 'shopify'
        ? shopifyHeaders('orders/create', body)
        : route === 'woocommerce'
          ? wooHeaders('order.created', body)
          : eventHeaders(body);
    expectRefusal(await post(app, route, body, headers), 404, `webhooks from ${route} are not enabled on this server`);
    // Not even a 415 or 401 gives away more: the route is simply not there.
    expectRefusal(await post(app, route, 'x', { 'content-type': 'text/plain' }), 404, /not enabled/);
  });

  it('the WooCommerce ping is refused too (the webhook cannot be activated without a secret)', async () => {
    expectRefusal(
      await post(app, 'woocommerce', 'webhook_id=1', { 'content-type': 'application/x-www-form-urlencoded' }),
      404,
      /not enabled/,
    );
  });
});

// BUG (src/config/env.ts): `SHOPIFY_WEBHOOK_SECRET: z.string().min(1).optional()` (and the same for
// WOOCOMMERCE_WEBHOOK_SECRET, and the whsec_ regex of STANDARD_WEBHOOK_SECRET) refuses an empty
// string, so docker-compose.yml's `SHOPIFY_WEBHOOK_SECRET: ${SHOPIFY_WEBHOOK_SECRET:-}` stops
// start-up ("invalid environment variable SHOPIFY_WEBHOOK_SECRET: Too small") unless all three
// secrets are set, instead of answering 404 on the unconfigured routes as the README says.
describe.skipIf(skip)('an empty secret variable (docker-compose `${VAR:-}`) is no secret', () => {
  it('starts, and the route answers 404', async () => {
    // Checked first so that the failing case leaves no database behind.
    expect(() =>
      parseEnv({ SHOPIFY_WEBHOOK_SECRET: '', WOOCOMMERCE_WEBHOOK_SECRET: '', STANDARD_WEBHOOK_SECRET: '' }),
    ).not.toThrow();
    const app = await startTestApp({ setup: 'services', workers: false, env: { SHOPIFY_WEBHOOK_SECRET: '' } });
    try {
      const body = fixture('shopify-orders-create.json');
      expectRefusal(await post(app, 'shopify', body, shopifyHeaders('orders/create', body)), 404, /not enabled/);
    } finally {
      await app.stop();
    }
  });
});
