// Whatever a sender puts in a request, verify answers 401 and parse answers 400 or a valid
// delivery: never a crash that would surface as a 500 (and make the store retry forever).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shopify } from '../../../src/ingest/sources/shopify.js';
import {
  type Headers,
  type ParsedDelivery,
  type Source,
  WebhookRejection,
} from '../../../src/ingest/sources/source.js';
import { standardWebhooks } from '../../../src/ingest/sources/standard-webhooks.js';
import { woocommerce } from '../../../src/ingest/sources/woocommerce.js';
import { expectValidDelivery, fixture, shopifyHeaders, wooHeaders } from './support.js';
import { pathsOf, type Json } from '../../support/json-paths.js';

interface Case {
  source: Source;
  headers: Headers;
  file?: string;
}

const shopifyCases: Case[] = [
  ['orders/create', 'shopify-orders-create.json'],
  ['orders/updated', 'shopify-orders-create-2024-10.json'],
  ['orders/paid', 'shopify-orders-paid.json'],
  ['orders/fulfilled', 'shopify-orders-fulfilled.json'],
  ['orders/cancelled', 'shopify-orders-cancelled.json'],
  ['refunds/create', 'shopify-refunds-create.json'],
  ['fulfillment_events/create', 'shopify-fulfillment-events-create.json'],
  ['fulfillments/update', 'shopify-fulfillments-update.json'],
  ['products/update', 'shopify-products-update.json'],
  ['customers/update', 'shopify-customers-update-2024-10.json'],
  ['customers_email_marketing_consent/update', 'shopify-customers-email-marketing-consent-update.json'],
  ['customers/redact', 'shopify-customers-redact.json'],
  ['shop/redact', 'shopify-shop-redact.json'],
  ['customers/data_request', 'shopify-customers-data-request.json'],
].map(([topic, file]) => ({ source: shopify, headers: shopifyHeaders(topic), file }));

const wooCases: Case[] = [
  ['order.created', 'woocommerce-order-created.json'],
  ['order.updated', 'woocommerce-order-updated.json'],
  ['order.deleted', 'woocommerce-order-refund.json'],
  ['product.updated', 'woocommerce-product-created.json'],
  ['customer.updated', 'woocommerce-product-created.json'],
].map(([topic, file]) => ({ source: woocommerce, headers: wooHeaders(topic), file }));

const eventsCase: Case = { source: standardWebhooks, headers: { 'webhook-id': 'msg_1' } };
const allCases = [...shopifyCases, ...wooCases, eventsCase];

/** Throws (failing the property) unless `parse` answered 400 or returned a valid delivery. */
function parsesOrRejects400(c: Case, body: Buffer): void {
  let delivery: ParsedDelivery;
  try {
    delivery = c.source.parse(body, c.headers);
  } catch (err) {
    if (err instanceof WebhookRejection && err.status === 400) return;
    throw err;
  }
  expectValidDelivery(delivery);
}

// Canonical events to mutate for the events source (the SPEC's examples).
const canonicalSamples = [
  {
    type: 'order.created',
    data: {
      store: 'demo',
      order: {
        id: '1001',
        createdAt: '2026-11-20T10:00:00Z',
        currency: 'USD',
        shippingCountry: 'US',
        customer: { id: 'C1', email: 'ann@example.com', firstName: 'Ann', marketingConsent: true },
        lines: [
          {
            productId: 'P1',
            variantId: 'V1',
            sku: 'CX-1',
            title: 'Console X',
            tags: ['console'],
            quantity: 1,
            unitPrice: '399.00',
          },
        ],
      },
    },
  },
  {
    type: 'product.upserted',
    data: {
      store: 'demo',
      product: {
        id: 'P1',
        title: 'Console X',
        price: '399.00',
        available: true,
        complements: [{ id: 'P3', required: true }],
      },
    },
  },
  {
    type: 'order.refunded',
    data: {
      store: 'demo',
      orderId: '1001',
      at: '2026-11-22T09:00:00Z',
      lines: [{ productId: 'P1', quantity: 1, amount: '399.00' }],
    },
  },
];

/** Odd JSON number texts a JSON.stringify-built body cannot contain. */
const rawNumbers = [
  '1e999999',
  '-0',
  '123456789012345678901234567890',
  '1.5e-400',
  '820982911946154508',
  '1E+2',
  '0.1e1',
];

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'swapType', 'rawNumber'),
  value: fc.jsonValue({ maxDepth: 2 }),
  raw: fc.constantFrom(...rawNumbers),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
type Node = Record<string | number, unknown>;

function mutate(original: Json, mutations: Mutation[]): Buffer {
  const doc = structuredClone(original) as Node;
  const raws: string[] = [];
  for (const m of mutations) {
    const paths = pathsOf(doc);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length];
    const parent = path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, doc);
    const key = path[path.length - 1];
    const current = parent[key];
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.kind === 'replace') {
      parent[key] = m.value;
    } else if (m.kind === 'swapType') {
      parent[key] =
        typeof current === 'string'
          ? Number(current) || current.length
          : typeof current === 'number'
            ? String(current)
            : current === null
              ? {}
              : Array.isArray(current)
                ? 'list'
                : null;
    } else {
      parent[key] = `__raw_${raws.length}__`;
      raws.push(m.raw);
    }
  }
  let text = JSON.stringify(doc) ?? 'null';
  raws.forEach((raw, i) => (text = text.replace(`"__raw_${i}__"`, raw)));
  return Buffer.from(text);
}

const params = { numRuns: 300 };

describe('parse never fails on sender input except with a 400', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allCases), fc.uint8Array({ maxLength: 512 }), (c, bytes) => {
        parsesOrRejects400(c, Buffer.from(bytes));
      }),
      params,
    );
  });

  it('random JSON documents', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allCases), fc.json({ maxDepth: 4 }), (c, text) => {
        parsesOrRejects400(c, Buffer.from(text));
      }),
      params,
    );
  });

  it('random objects using the fields the adapters read', () => {
    const keys = fc.constantFrom(
      'id',
      'order_id',
      'customer_id',
      'created_at',
      'currency',
      'line_items',
      'product_id',
      'price',
      'quantity',
      'title',
      'name',
      'customer',
      'email',
      'status',
      'financial_status',
      'fulfillments',
      'refunds',
      'refund_line_items',
      'line_item',
      'subtotal',
      'transactions',
      'amount',
      'kind',
      'variants',
      'tags',
      'metafields',
      'namespace',
      'key',
      'value',
      'shipment_status',
      'date_created_gmt',
      'total',
      'cross_sell_ids',
      'categories',
      'type',
      'data',
      'store',
      'order',
      'lines',
      'unitPrice',
      '__proto__',
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 0 }),
        fc.constantFrom('2026-11-20T10:00:00Z', '12.50', 'paid', 'delivered', 'refunded', 'completed', 'subscribed'),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(keys, tie('node'), { maxKeys: 6 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.constantFrom(...allCases), fc.dictionary(keys, value, { maxKeys: 10 }), (c, doc) => {
        parsesOrRejects400(c, Buffer.from(JSON.stringify(doc)));
      }),
      params,
    );
  });

  it('published fixtures with fields dropped, retyped, replaced or given odd numbers', () => {
    const bases = [
      ...[...shopifyCases, ...wooCases].map((c) => ({ c, doc: JSON.parse(fixture(c.file!).toString()) as Json })),
      ...canonicalSamples.map((doc) => ({ c: eventsCase, doc: doc as Json })),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 4 }), ({ c, doc }, ms) => {
        parsesOrRejects400(c, mutate(doc, ms));
      }),
      { numRuns: 1000 },
    );
  });

  it('absurdly nested JSON is a 400, not a stack overflow', () => {
    for (const c of [shopifyCases[0], wooCases[0], eventsCase]) {
      for (const body of ['['.repeat(200_000), `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`]) {
        parsesOrRejects400(c, Buffer.from(body));
      }
    }
  });
});

describe('verify never fails on sender input except with a 401', () => {
  const secrets: Record<Source['name'], string> = {
    shopify: 'shpss_0123456789abcdef',
    woocommerce: 'wc secret',
    events: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  };
  const headerNames = [
    'x-shopify-hmac-sha256',
    'x-wc-webhook-signature',
    'webhook-id',
    'webhook-timestamp',
    'webhook-signature',
    'content-type',
  ];
  const headerValue = fc.oneof(
    fc.string(),
    fc.base64String(),
    fc.base64String().map((s) => `v1,${s}`),
    fc.array(fc.base64String().map((s) => `v1,${s}`)).map((a) => a.join(' ')),
    fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }).map(String),
    fc.array(fc.string(), { maxLength: 2 }),
  );
  const headers = fc.dictionary(fc.constantFrom(...headerNames), headerValue);

  it('random headers and bodies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(shopify, woocommerce, standardWebhooks),
        headers,
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
          fc.constantFrom(Buffer.from('webhook_id=3')),
        ),
        fc.date({ min: new Date('2023-11-14T00:00:00Z'), max: new Date('2027-01-15T00:00:00Z'), noInvalidDate: true }),
        (source, h, body, now) => {
          try {
            source.verify(body, h as Headers, secrets[source.name], now);
          } catch (err) {
            if (err instanceof WebhookRejection && err.status === 401) return;
            throw err;
          }
          // Passing without a valid signature is only possible for WooCommerce's unsigned ping.
          expect(source.name).toBe('woocommerce');
          expect(body.toString()).toBe('webhook_id=3');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
