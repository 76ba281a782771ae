// Whatever arrives at POST /webhooks/:source (random bytes, random JSON, published fixtures
// mangled: fields dropped, types changed, bytes cut), signed correctly or not, under random
// content types: the answer is 200, 400, 401, 413 or 415 and never 5xx; 200 only for a correctly
// signed request whose body the source accepts; and nothing but a 200 writes a row.
// Through HTTP against real Postgres + Redis; bounded (~150 runs per property).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../../support/app.js';
import { missing } from '../../support/services.js';
import { pathsOf, type Json, type Path } from '../../support/json-paths.js';
import {
  eventHeaders,
  fixture,
  post,
  shopifyHeaders,
  tableCounts,
  wooHeaders,
  type Answer,
  type Route,
} from './support.js';

const LIMIT = 20_000;
const RUNS = 150;

// ---------- requests ----------

type Signing = 'good' | 'missing' | 'garbage' | 'other-bytes';
const signing = fc.constantFrom<Signing>('good', 'good', 'good', 'missing', 'garbage', 'other-bytes');

const goodTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.shop+json',
];
const badTypes = [
  '',
  'text/plain',
  'text/json',
  'application/xml',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/javascript',
];
const FORM = 'application/x-www-form-urlencoded';
const randomType = fc
  .tuple(fc.constantFrom('application', 'text', 'image', 'x-custom'), fc.stringMatching(/^[a-z][a-z0-9.+-]{0,15}$/))
  .map(([t, s]) => `${t}/${s}`)
  .filter((t) => !/json|x-www-form-urlencoded/i.test(t));
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...goodTypes) },
  { weight: 2, arbitrary: fc.constantFrom(...badTypes, FORM) },
  { weight: 1, arbitrary: randomType },
);
const accepts = (route: Route, type: string) =>
  /^application\/([\w.-]+\+)?json\s*(;.*)?$/i.test(type) ||
  (route === 'woocommerce' && /^application\/x-www-form-urlencoded\s*(;.*)?$/i.test(type));

const shopifyTopics = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/fulfilled',
  'orders/cancelled',
  'refunds/create',
  'fulfillment_events/create',
  'fulfillments/update',
  'products/create',
  'products/update',
  'customers/update',
  'customers_email_marketing_consent/update',
  'customers/redact',
  'shop/redact',
  'customers/data_request',
  'app/uninstalled',
];
const wooTopics = [
  'order.created',
  'order.updated',
  'order.deleted',
  'product.created',
  'product.updated',
  'customer.updated',
  'coupon.created',
];

interface Shot {
  route: Route;
  topic: string;
  body: Buffer;
  signing: Signing;
  contentType: string;
}

function headersFor(shot: Shot): Record<string, string> {
  const { route, topic, body } = shot;
  const signed =
    route === 'shopify'
      ? shopifyHeaders(topic, body, { shop: 'props.myshopify.com' })
      : route === 'woocommerce'
        ? wooHeaders(topic, body, { site: 'https://props.example/' })
        : eventHeaders(body);
  const name =
    route === 'shopify'
      ? 'x-shopify-hmac-sha256'
      : route === 'woocommerce'
        ? 'x-wc-webhook-signature'
        : 'webhook-signature';
  const other =
    route === 'shopify'
      ? shopifyHeaders(topic, Buffer.concat([body, Buffer.from(' ')]))[name]
      : route === 'woocommerce'
        ? wooHeaders(topic, Buffer.concat([body, Buffer.from(' ')]))[name]
        : eventHeaders(Buffer.concat([body, Buffer.from(' ')]), { id: signed['webhook-id'] })[name];
  const headers = { ...signed };
  if (shot.signing === 'missing') delete headers[name];
  if (shot.signing === 'garbage')
    headers[name] = route === 'events' ? 'v1,bm90IGEgc2lnbmF0dXJl' : 'bm90IGEgc2lnbmF0dXJl';
  if (shot.signing === 'other-bytes') headers[name] = other!;
  if (shot.contentType === '') delete headers['content-type'];
  else headers['content-type'] = shot.contentType;
  return headers;
}

/** The unsigned WooCommerce creation ping, accepted by design (it carries no events). */
const isPing = (shot: Shot) =>
  shot.route === 'woocommerce' &&
  shot.body.length <= 40 &&
  /^webhook_id=\d{1,20}$/.test(shot.body.toString('latin1').trim());

/** A JSON object in valid UTF-8: the least a source needs before it can accept a body. */
function isJsonObject(body: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

// ---------- the oracle ----------

describe.skipIf(missing('postgres', 'redis'))('POST /webhooks/:source under random input', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false, config: { ingest: { bodyLimit: LIMIT } } });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    expect((await app.postEvent(sampleOrder('PROP-1'))).status).toBe(200);
  }, 60_000);
  afterAll(async () => app?.stop());

  /** Sends one shot and checks every rule; throws (failing the property) on the first broken one. */
  async function fire(shot: Shot): Promise<Answer> {
    const before = await tableCounts(app.db.pool);
    const answer = await post(app, shot.route, shot.body, headersFor(shot));
    const after = await tableCounts(app.db.pool);
    const what = `${shot.route} ${shot.topic} ${shot.signing} "${shot.contentType}" ${shot.body.length} bytes → ${answer.status} ${answer.text.slice(0, 200)}`;

    expect([200, 400, 401, 413, 415], what).toContain(answer.status);
    if (shot.body.length > LIMIT) expect(answer.status, what).toBe(413);
    else if (!accepts(shot.route, shot.contentType)) expect(answer.status, what).toBe(415);
    else if (shot.signing !== 'good' && !isPing(shot)) expect(answer.status, what).toBe(401);
    if (answer.status === 200) {
      expect(shot.signing === 'good' || isPing(shot), what).toBe(true);
      // Accepted: the body was a JSON object the source read, or a topic it ignores unread.
      if (!answer.body.ignored && !isPing(shot)) expect(isJsonObject(shot.body), what).toBe(true);
    } else {
      expect(after, `${what}: a refusal wrote rows`).toEqual(before);
      if (answer.status !== 413) expect(String(answer.body.error ?? ''), what).not.toBe('');
    }
    return answer;
  }

  const route = fc.constantFrom<Route>('shopify', 'woocommerce', 'events');
  const topicFor = (r: Route) =>
    r === 'shopify'
      ? fc.constantFrom(...shopifyTopics)
      : r === 'woocommerce'
        ? fc.constantFrom(...wooTopics)
        : fc.constant('');
  const shotOf = (body: fc.Arbitrary<Buffer>) =>
    route.chain((r) => fc.record({ route: fc.constant(r), topic: topicFor(r), body, signing, contentType }));

  const property = (name: string, arb: fc.Arbitrary<Shot>, params: fc.Parameters<[Shot]> = {}) =>
    it(
      name,
      async () => {
        await fc.assert(
          fc.asyncProperty(arb, async (shot) => void (await fire(shot))),
          { numRuns: RUNS, ...params },
        );
      },
      60_000,
    );

  // ---------- random bytes and random JSON ----------

  const bytes = fc
    .oneof(
      { weight: 8, arbitrary: fc.uint8Array({ maxLength: 512 }) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('webhook_id=1', 'webhook_id=', '{}', '[]', 'null', '{"id":1}', ' ')
          .map((s) => new TextEncoder().encode(s)),
      },
      {
        weight: 1,
        arbitrary: fc.integer({ min: LIMIT - 2, max: LIMIT + 2_000 }).map((n) => new Uint8Array(n).fill(0x20)),
      },
    )
    .map((b) => Buffer.from(b));
  property('random bytes', shotOf(bytes));

  const json = fc
    .oneof(
      { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
      {
        weight: 2,
        arbitrary: fc.dictionary(
          fc.constantFrom('id', 'type', 'data', 'line_items', 'currency', 'created_at', 'order_id', 'status', 'store'),
          fc.jsonValue({ maxDepth: 3 }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          type: fc.constantFrom('order.created', 'order.paid', 'product.upserted', 'customer.erased', 'store.erased'),
          data: fc.jsonValue({ maxDepth: 3 }),
        }),
      },
    )
    .map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
  property('random JSON', shotOf(json));

  // ---------- mutated fixtures ----------

  const edit = (
    value: Json,
    path: Path,
    change: (parent: Record<string | number, Json>, key: string | number) => void,
  ): Json => {
    const copy = structuredClone(value) as Record<string | number, Json>;
    let parent = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
    change(parent, path[path.length - 1]!);
    return copy;
  };

  const shopifyFixtures: [string, string][] = [
    ['orders/create', 'shopify-orders-create.json'],
    ['orders/updated', 'shopify-orders-create-2024-10.json'],
    ['orders/paid', 'shopify-orders-paid.json'],
    ['orders/cancelled', 'shopify-orders-cancelled.json'],
    ['refunds/create', 'shopify-refunds-create.json'],
    ['fulfillment_events/create', 'shopify-fulfillment-events-create.json'],
    ['products/update', 'shopify-products-update.json'],
    ['customers/update', 'shopify-customers-update-2024-10.json'],
    ['customers_email_marketing_consent/update', 'shopify-customers-email-marketing-consent-update.json'],
    ['customers/redact', 'shopify-customers-redact.json'],
    ['shop/redact', 'shopify-shop-redact.json'],
  ];
  const wooFixtures: [string, string][] = [
    ['order.created', 'woocommerce-order-created.json'],
    ['order.updated', 'woocommerce-order-updated.json'],
    ['product.created', 'woocommerce-product-created.json'],
  ];
  const canonical = (): [string, Json][] => [
    ['', sampleOrder('PROP-M')],
    ...sampleProducts().map((p): [string, Json] => ['', p]),
    ['', { type: 'order.fulfilled', data: { store: 'demo', orderId: 'PROP-M', at: '2026-11-21T09:00:00Z' } }],
    [
      '',
      {
        type: 'order.refunded',
        data: {
          store: 'demo',
          orderId: 'PROP-M',
          at: '2026-11-22T09:00:00Z',
          lines: [{ productId: 'P1', quantity: 1, amount: '399.00' }],
        },
      },
    ],
    [
      '',
      {
        type: 'ticket.opened',
        data: {
          store: 'demo',
          ticketId: 'T1',
          at: '2026-11-22T09:00:00Z',
          customer: { email: 'ann@example.com' },
          orderId: 'PROP-M',
        },
      },
    ],
    [
      '',
      {
        type: 'customer.updated',
        data: { store: 'demo', customer: { email: 'ann@example.com', marketingConsent: false } },
      },
    ],
  ];
  const samples: Record<Route, [string, Json][]> = {
    shopify: shopifyFixtures.map(([t, f]) => [t, JSON.parse(fixture(f).toString('utf8'))]),
    woocommerce: wooFixtures.map(([t, f]) => [t, JSON.parse(fixture(f).toString('utf8'))]),
    events: canonical(),
  };

  /** A fixture of the route (rarely another route's), as [topic, parsed value]. */
  const sampleFor = (r: Route) =>
    fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...samples[r]) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...samples.shopify, ...samples.woocommerce, ...samples.events)
          .map(([, v]): [string, Json] => [samples[r][0]![0], v]),
      },
    );

  /** Fields dropped, or the bytes cut short or padded past the limit. */
  const structural = (value: Json) =>
    fc
      .oneof(
        fc.record({ op: fc.constant('drop' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
        fc.record({ op: fc.constant('truncate' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 1 }) }),
        fc.record({
          op: fc.constant('pad' as const),
          at: fc.array(fc.nat({ max: 2 * LIMIT }), { minLength: 1, maxLength: 1 }),
        }),
      )
      .map(({ op, at }) => {
        if (op === 'drop') {
          let v = value;
          for (const n of at) {
            const paths = pathsOf(v);
            if (paths.length)
              v = edit(v, paths[n % paths.length]!, (p, k) =>
                Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k],
              );
          }
          return Buffer.from(JSON.stringify(v));
        }
        const text = Buffer.from(JSON.stringify(value));
        if (op === 'truncate') return text.subarray(0, at[0]! % text.length);
        return Buffer.concat([text, Buffer.alloc(at[0]!, 0x20)]);
      });

  property(
    'mutated fixtures: fields dropped, bytes truncated or padded',
    route.chain((r) =>
      fc
        .record({
          route: fc.constant(r),
          picked: sampleFor(r),
          signing,
          contentType,
        })
        .chain(({ picked: [topic, value], ...rest }) => structural(value).map((body) => ({ ...rest, topic, body }))),
    ),
  );

  /** Values of other types (and of the same type, other values). */
  const replacement = fc.oneof(
    { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Json>(
        null,
        '',
        0,
        -1,
        1.5,
        true,
        [],
        {},
        '12.50',
        'not a number',
        '2026-11-20T10:00:00Z',
      ),
    },
  );
  const typeChanged = (value: Json) =>
    fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 3 }).map((changes) => {
      let v = value;
      for (const [n, to] of changes) {
        const paths = pathsOf(v);
        if (paths.length) v = edit(v, paths[n % paths.length]!, (p, k) => void (p[k] = to));
      }
      return Buffer.from(JSON.stringify(v));
    });

  property(
    'mutated fixtures: types changed',
    route.chain((r) =>
      fc
        .record({ route: fc.constant(r), picked: sampleFor(r), signing, contentType })
        .chain(({ picked: [topic, value], ...rest }) => typeChanged(value).map((body) => ({ ...rest, topic, body }))),
    ),
  );

  // BUG (src/http/webhooks.ts + src/domain/canonical-event.ts, see refusals.test.ts): values Postgres
  // refuses (int4 quantities, numeric(14,2) money, dates Date.parse reads but Postgres does not,
  // NUL in text) pass the canonical schema and the recorder's error is answered 503. Pinned seed:
  // this property fails the same way every run until that is fixed; then drop `.fails`.
  const outOfRange = fc.constantFrom<Json>(
    2 ** 31,
    1e20,
    '1000000000000.00',
    '2024',
    '1',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-05:00',
    'A\u0000B',
  );
  it('mutated fixtures: values out of storage range answer 400, never 503', async () => {
    const arb = route.chain((r) =>
      fc
        .record({ route: fc.constant(r), picked: fc.constantFrom(...samples[r]), to: outOfRange, n: fc.nat() })
        .map(({ route: rr, picked: [topic, value], to, n }) => {
          const paths = pathsOf(value).filter((p) => {
            const leaf = p.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], value);
            return typeof leaf === 'string' || typeof leaf === 'number';
          });
          const body = Buffer.from(JSON.stringify(edit(value, paths[n % paths.length]!, (p, k) => void (p[k] = to))));
          return { route: rr, topic, body, signing: 'good' as const, contentType: 'application/json' };
        }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (shot) => void (await fire(shot))),
      { numRuns: 400, seed: 20261120, endOnFailure: true },
    );
  }, 60_000);
});
