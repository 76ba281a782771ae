// Contract tests of the code APIs against a local server standing in for the store, checking the
// documented request and answering documented responses and errors. Shapes: Shopify Admin
// GraphQL 2026-10 (discountCodeBasicCreate, DiscountCodeBasicInput, codeDiscountNodeByCode,
// DiscountUserError, THROTTLED); WooCommerce REST API v3 "Coupons" (POST/GET /wp-json/wc/v3/coupons).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueRequest } from '../../src/offers/codes/issuer.js';
import { CREATE_MUTATION, LOOKUP_QUERY, SHOPIFY_API_VERSION, ShopifyCodes } from '../../src/offers/codes/shopify.js';
import { WooCodes } from '../../src/offers/codes/woocommerce.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}
type Handler = (req: Seen, res: ServerResponse) => void;

let server: Server;
let origin: string;
let handler: Handler;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: raw ? JSON.parse(raw) : null };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const request: IssueRequest = {
  store: 'demo.myshopify.com',
  crossSellId: '42',
  code: 'BUNDLE-7QX2K9ABCD',
  productIds: ['632910392', '921728736'],
  email: 'ann@example.com',
  startsAt: new Date('2026-12-01T10:00:00Z'),
  endsAt: new Date('2026-12-04T10:00:00Z'),
  percent: 10,
  title: 'Aftercart bundle 42',
};
const reset = (h: Handler) => {
  seen.length = 0;
  handler = h;
};

describe('Shopify discountCodeBasicCreate', () => {
  const shopify = (timeoutMs?: number) =>
    new ShopifyCodes({ tokens: new Map([['demo.myshopify.com', 'shpat_test']]), origin: () => origin, timeoutMs });
  const created = {
    data: { discountCodeBasicCreate: { codeDiscountNode: { id: 'gid://shopify/DiscountCodeNode/1' }, userErrors: [] } },
  };

  it('sends the documented mutation and variables with the access token, and takes the created code', async () => {
    reset((_req, res) => json(res, 200, created));
    expect(await shopify().issue(request)).toEqual({ ok: true, code: request.code });
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call).toMatchObject({ method: 'POST', url: `/admin/api/${SHOPIFY_API_VERSION}/graphql.json` });
    expect(call!.headers['x-shopify-access-token']).toBe('shpat_test');
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.body.query).toBe(CREATE_MUTATION);
    expect(call!.body.variables.basicCodeDiscount).toEqual({
      title: 'Aftercart bundle 42',
      code: request.code,
      startsAt: '2026-12-01T10:00:00.000Z',
      endsAt: '2026-12-04T10:00:00.000Z',
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { all: 'ALL' },
      customerGets: {
        value: { percentage: 0.1 },
        items: { products: { productsToAdd: ['gid://shopify/Product/632910392', 'gid://shopify/Product/921728736'] } },
      },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
    });
  });

  it('a fixed amount is discountAmount on the whole bundle', async () => {
    reset((_req, res) => json(res, 200, created));
    await shopify().issue({ ...request, percent: undefined, amount: '5.00' });
    expect(seen[0]!.body.variables.basicCodeDiscount.customerGets.value).toEqual({
      discountAmount: { amount: '5.00', appliesOnEachItem: false },
    });
  });

  it('userErrors: rejected, with their codes; a TAKEN code that exists is ours from an earlier try', async () => {
    reset((_req, res) =>
      json(res, 200, {
        data: {
          discountCodeBasicCreate: {
            codeDiscountNode: null,
            userErrors: [
              {
                field: ['basicCodeDiscount', 'endsAt'],
                code: 'INVALID',
                message: 'Ends at needs to be after starts_at',
              },
            ],
          },
        },
      }),
    );
    expect(await shopify().issue(request)).toEqual({ ok: false, reason: 'api_rejected', detail: 'INVALID' });

    reset((req, res) =>
      req.body.query === LOOKUP_QUERY
        ? json(res, 200, { data: { codeDiscountNodeByCode: { id: 'gid://shopify/DiscountCodeNode/1' } } })
        : json(res, 200, {
            data: {
              discountCodeBasicCreate: {
                codeDiscountNode: null,
                userErrors: [{ field: ['basicCodeDiscount', 'code'], code: 'TAKEN', message: 'Code must be unique.' }],
              },
            },
          }),
    );
    expect(await shopify().issue(request)).toEqual({ ok: true, code: request.code });
    expect(seen.map((s) => s.body.query)).toEqual([CREATE_MUTATION, LOOKUP_QUERY]);
    expect(seen[1]!.body.variables).toEqual({ code: request.code });
  });

  it('401: unauthorized, not retried; no token for the store: no call at all', async () => {
    reset((_req, res) =>
      json(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }),
    );
    expect(await shopify().issue(request)).toMatchObject({ ok: false, reason: 'api_unauthorized' });
    expect(seen).toHaveLength(1);
    reset((_req, res) => json(res, 200, created));
    expect(await shopify().issue({ ...request, store: 'other.myshopify.com' })).toEqual({
      ok: false,
      reason: 'no_credentials',
    });
    expect(seen).toHaveLength(0);
  });

  it('THROTTLED / 429: sent again (nothing was created), once', async () => {
    let n = 0;
    reset((_req, res) =>
      n++ === 0
        ? json(res, 200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] })
        : json(res, 200, created),
    );
    expect(await shopify().issue(request)).toEqual({ ok: true, code: request.code });
    expect(seen.map((s) => s.body.query)).toEqual([CREATE_MUTATION, CREATE_MUTATION]);

    reset((_req, res) =>
      json(res, 429, { errors: 'Exceeded 2 calls per second for api client.' }, { 'retry-after': '0.1' }),
    );
    expect(await shopify().issue(request)).toMatchObject({ ok: false, reason: 'api_rate_limited' });
    expect(seen).toHaveLength(2);
  });

  it('a 5xx: looks the code up before creating again (never two codes)', async () => {
    reset((req, res) =>
      req.body.query === LOOKUP_QUERY
        ? json(res, 200, { data: { codeDiscountNodeByCode: { id: 'gid://shopify/DiscountCodeNode/9' } } })
        : json(res, 502, { errors: 'Bad gateway' }),
    );
    expect(await shopify().issue(request)).toEqual({ ok: true, code: request.code });
    expect(seen.map((s) => s.body.query)).toEqual([CREATE_MUTATION, LOOKUP_QUERY]);
  });

  it('no answer in time: api_timeout', async () => {
    reset(() => {}); // never answers
    const started = Date.now();
    expect(await shopify(300).issue(request)).toEqual({ ok: false, reason: 'api_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('WooCommerce POST /wp-json/wc/v3/coupons', () => {
  const woo = (timeoutMs?: number) =>
    new WooCodes({
      keys: new Map([['woo.example', { key: 'ck_abc', secret: 'cs_def' }]]),
      origin: () => origin,
      timeoutMs,
    });
  const wooRequest = { ...request, store: 'woo.example', productIds: ['93', '94'] };
  const coupon = { id: 720, code: wooRequest.code.toLowerCase(), amount: '10.00', discount_type: 'percent' };

  it('sends the documented body with Basic auth (consumer key and secret), 201 Created', async () => {
    reset((_req, res) => json(res, 201, coupon));
    expect(await woo().issue(wooRequest)).toEqual({ ok: true, code: wooRequest.code });
    const [call] = seen;
    expect(call).toMatchObject({ method: 'POST', url: '/wp-json/wc/v3/coupons' });
    expect(call!.headers.authorization).toBe(`Basic ${Buffer.from('ck_abc:cs_def').toString('base64')}`);
    expect(call!.body).toEqual({
      code: wooRequest.code,
      discount_type: 'percent',
      amount: '10',
      description: 'Aftercart bundle 42',
      product_ids: [93, 94],
      date_expires_gmt: '2026-12-04T10:00:00',
      usage_limit: 1,
      usage_limit_per_user: 1,
      individual_use: true,
      email_restrictions: ['ann@example.com'],
    });
  });

  it('400 code already exists: looked up, and ours; another 400: rejected', async () => {
    reset((req, res) =>
      req.method === 'GET'
        ? json(res, 200, [coupon])
        : json(res, 400, {
            code: 'woocommerce_rest_coupon_code_already_exists',
            message: 'The coupon code already exists',
            data: { status: 400 },
          }),
    );
    expect(await woo().issue(wooRequest)).toEqual({ ok: true, code: wooRequest.code });
    expect(seen[1]).toMatchObject({
      method: 'GET',
      url: `/wp-json/wc/v3/coupons?code=${encodeURIComponent(wooRequest.code)}`,
    });

    reset((_req, res) =>
      json(res, 400, { code: 'rest_invalid_param', message: 'Invalid parameter(s): amount', data: { status: 400 } }),
    );
    expect(await woo().issue(wooRequest)).toEqual({ ok: false, reason: 'api_rejected', detail: 'rest_invalid_param' });
  });

  it('401: unauthorized, not retried', async () => {
    reset((_req, res) =>
      json(res, 401, {
        code: 'woocommerce_rest_cannot_create',
        message: 'Sorry, you are not allowed to create resources.',
        data: { status: 401 },
      }),
    );
    expect(await woo().issue(wooRequest)).toMatchObject({ ok: false, reason: 'api_unauthorized' });
    expect(seen).toHaveLength(1);
  });

  it('429 then 201: sent again once; a 500 looks the coupon up before creating again', async () => {
    let n = 0;
    reset((_req, res) =>
      n++ === 0 ? json(res, 429, { code: 'rate_limited' }, { 'retry-after': '0' }) : json(res, 201, coupon),
    );
    expect(await woo().issue(wooRequest)).toEqual({ ok: true, code: wooRequest.code });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);

    reset((req, res) =>
      req.method === 'GET' ? json(res, 200, [coupon]) : json(res, 500, { code: 'internal_server_error' }),
    );
    expect(await woo().issue(wooRequest)).toEqual({ ok: true, code: wooRequest.code });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'GET']);
  });

  it('no answer in time: api_timeout', async () => {
    reset(() => {});
    expect(await woo(300).issue(wooRequest)).toEqual({ ok: false, reason: 'api_timeout' });
  });
});
