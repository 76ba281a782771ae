import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/domain/canonical-event.js';
import { shopify } from '../../../src/ingest/sources/shopify.js';
import {
  expectValidDelivery,
  fixture,
  fixtureJson,
  fixtureNames,
  json,
  rejection,
  shop,
  shopifyHeaders,
} from './support.js';

const parse = (topic: string, body: Buffer) => {
  const delivery = shopify.parse(body, shopifyHeaders(topic));
  expectValidDelivery(delivery);
  return delivery;
};
const product = (body: Buffer) =>
  (parse('products/update', body).events[0] as EventOf<'product.upserted'>).data.product;
const sampleProduct = (changes: Record<string, unknown>) =>
  json({ ...fixtureJson('shopify-products-create.json'), ...changes });

describe('Shopify refunds, fulfillments and delivery', () => {
  it('refunds/create → order.refunded with the refund id, product lines, line subtotals and the refunded total', () => {
    const { events } = parse('refunds/create', fixture('shopify-refunds-create.json'));
    expect(events).toEqual([
      {
        type: 'order.refunded',
        data: {
          store: shop,
          orderId: '820982911946154500',
          refundId: '890088186047892400', // counted once however often it is delivered
          at: '2022-01-01T00:00:00.000Z',
          // subtotal is a JSON number (89.99) in the payload; the two custom items have no product
          lines: [
            { productId: '788032119674292900', quantity: 1, amount: '89.99' },
            { productId: '788032119674292900', quantity: 1, amount: '159.99' },
            { productId: '788032119674292900', quantity: 1, amount: '119.99' },
          ],
          amount: '85.00', // the two successful refund transactions: 75.00 + 10.00
        },
      },
    ]);
  });

  it('fulfillment_events/create: in_transit (the published sample) is ignored, delivered is order.delivered', () => {
    expect(parse('fulfillment_events/create', fixture('shopify-fulfillment-events-create.json'))).toMatchObject({
      events: [],
      ignored: true,
    });
    const delivered = json({
      ...fixtureJson('shopify-fulfillment-events-create.json'),
      status: 'delivered',
      happened_at: '2026-11-23T14:05:00-05:00',
    });
    expect(parse('fulfillment_events/create', delivered).events).toEqual([
      { type: 'order.delivered', data: { store: shop, orderId: '820982911946154500', at: '2026-11-23T19:05:00.000Z' } },
    ]);
  });

  it.each(['fulfillments/create', 'fulfillments/update'])(
    '%s: a live fulfilment fulfils the order; shipment_status delivered delivers it',
    (topic) => {
      const file = `shopify-${topic.replace('/', '-')}.json`;
      const fulfilled = {
        type: 'order.fulfilled',
        data: { store: shop, orderId: '820982911946154500', at: '2022-01-01T00:00:00.000Z' },
      };
      expect(parse(topic, fixture(file)).events).toEqual([fulfilled]); // status pending, shipment_status null
      const delivered = json({
        ...fixtureJson(file),
        shipment_status: 'delivered',
        updated_at: '2026-11-23T14:00:00Z',
      });
      expect(parse(topic, delivered).events).toEqual([
        fulfilled,
        {
          type: 'order.delivered',
          data: { store: shop, orderId: '820982911946154500', at: '2026-11-23T14:00:00.000Z' },
        },
      ]);
      expect(parse(topic, json({ ...fixtureJson(file), status: 'cancelled' }))).toMatchObject({
        events: [],
        ignored: true,
      });
    },
  );
});

describe('Shopify products', () => {
  it.each(['products/create', 'products/update'])('%s → product.upserted', (topic) => {
    const { events } = parse(topic, fixture(`shopify-${topic.replace('/', '-')}.json`));
    expect(events).toEqual([
      {
        type: 'product.upserted',
        data: {
          store: shop,
          product: {
            id: '788032119674292900',
            title: 'Example T-Shirt',
            productType: 'Shirts',
            vendor: 'Acme',
            tags: ['example', 'mens', 't-shirt'], // from "example, mens, t-shirt"
            url: '/products/example-t-shirt', // a page of the store: ingest puts it under store.url
            price: '19.99',
            available: true, // active, published, 75 in stock
            variantId: '642667041472714000', // the first variant that can be bought: a cart link adds it
          },
        },
      },
    ]);
  });

  it('the cart link’s variant is the first that can be bought (sold out and tracked ones passed over)', () => {
    const body = JSON.parse(fixture('shopify-products-create.json').toString('utf8')) as {
      variants: Record<string, unknown>[];
    };
    body.variants[0]!.inventory_quantity = 0;
    body.variants[0]!.inventory_management = 'shopify';
    const { events } = parse('products/create', Buffer.from(JSON.stringify(body)));
    expect((events[0] as { data: { product: { variantId?: string } } }).data.product.variantId).toBe(
      '757650484644203900',
    );
  });

  it('reads complements from the Search & Discovery metafield when the payload carries it', () => {
    const body = sampleProduct({
      metafields: [
        { namespace: 'custom', key: 'complementary_products', value: '["gid://shopify/Product/1"]' },
        {
          namespace: 'shopify--discovery--product_recommendation',
          key: 'complementary_products',
          type: 'list.product_reference',
          value: '["gid://shopify/Product/7982853619734","gid://shopify/Product/820982911946154508"]',
        },
      ],
    });
    expect(product(body).complements).toEqual([{ id: '7982853619734' }, { id: '820982911946154508' }]);
    expect(product(fixture('shopify-products-create.json')).complements).toBeUndefined(); // not told: unchanged
  });

  it.each([
    ['a draft', { status: 'draft' }, false],
    ['unpublished from the online store', { published_at: null }, false],
    ['sold out', { variants: [{ price: '19.99', inventory_policy: 'deny', inventory_quantity: 0 }] }, false],
    [
      'sold out but oversellable',
      { variants: [{ price: '19.99', inventory_policy: 'continue', inventory_quantity: 0 }] },
      true,
    ],
    [
      'not inventory-tracked',
      { variants: [{ price: '19.99', inventory_management: null, inventory_quantity: 0 }] },
      true,
    ],
    ['stock not stated', { variants: [{ price: '19.99' }] }, true],
  ])('availability: %s → %s', (_case, changes, available) => {
    expect(product(sampleProduct(changes)).available).toBe(available);
  });

  it('takes the image, and tags sent as a list', () => {
    const p = product(sampleProduct({ image: { src: 'https://cdn.shopify.com/s/t.png' }, tags: ['a', ' b ', ''] }));
    expect(p.imageUrl).toBe('https://cdn.shopify.com/s/t.png');
    expect(p.tags).toEqual(['a', 'b']);
  });

  it('a product without a title is a 400 naming it', () => {
    expect(
      rejection(() => shopify.parse(sampleProduct({ title: '' }), shopifyHeaders('products/create'))),
    ).toMatchObject({
      status: 400,
      message: 'title: expected a non-empty string, got an empty string',
    });
  });
});

describe('Shopify customers and privacy topics', () => {
  it('customers/update (2026-04): no consent in the payload, so none is claimed', () => {
    const { events } = parse('customers/update', fixture('shopify-customers-update.json'));
    expect(events).toEqual([
      {
        type: 'customer.updated',
        data: {
          store: shop,
          customer: {
            id: '706405506930370000',
            email: 'bob@biller.com',
            firstName: 'Bob',
            lastName: 'Biller',
            updatedAt: '2022-01-01T00:00:00.000Z',
          },
        },
      },
    ]);
  });

  it('customers/update (2024-10): email_marketing_consent not_subscribed → marketingConsent false', () => {
    const { events } = parse('customers/update', fixture('shopify-customers-update-2024-10.json'));
    expect((events[0] as EventOf<'customer.updated'>).data.customer).toEqual({
      id: '706405506930370000',
      firstName: 'Bob',
      lastName: 'Biller',
      marketingConsent: false,
      updatedAt: '2022-01-01T00:00:00.000Z', // consent_updated_at is null: the payload's time dates the consent too
    });
  });

  it('customers/update with the legacy accepts_marketing boolean', () => {
    const body = json({ id: 5, email: 'a@b.c', accepts_marketing: true });
    expect(
      (parse('customers/update', body).events[0] as EventOf<'customer.updated'>).data.customer.marketingConsent,
    ).toBe(true);
    const dated = json({ id: 5, accepts_marketing: false, accepts_marketing_updated_at: '2021-06-01T10:00:00-04:00' });
    expect((parse('customers/update', dated).events[0] as EventOf<'customer.updated'>).data.customer).toMatchObject({
      marketingConsent: false,
      consentUpdatedAt: '2021-06-01T14:00:00.000Z',
    });
  });

  it('customers_email_marketing_consent/update → customer.updated', () => {
    const { events } = parse(
      'customers_email_marketing_consent/update',
      fixture('shopify-customers-email-marketing-consent-update.json'),
    );
    expect(events).toEqual([
      {
        type: 'customer.updated',
        data: { store: shop, customer: { id: '706405506930370000', email: 'bob@biller.com', marketingConsent: false } },
      },
    ]);
    const subscribed = json({
      customer_id: 1,
      email_address: 'x@y.z',
      email_marketing_consent: { state: 'subscribed' },
    });
    const customer = (
      parse('customers_email_marketing_consent/update', subscribed).events[0] as EventOf<'customer.updated'>
    ).data.customer;
    expect(customer.marketingConsent).toBe(true);
  });

  it('customers/redact → customer.erased by address, customer id and orders_to_redact; shop/redact → store.erased', () => {
    expect(parse('customers/redact', fixture('shopify-customers-redact.json')).events).toEqual([
      {
        type: 'customer.erased',
        data: {
          store: shop,
          email: 'john@example.com',
          customerId: '191167',
          orderIds: ['299938', '280263', '220458'],
        },
      },
    ]);
    expect(parse('shop/redact', fixture('shopify-shop-redact.json')).events).toEqual([
      { type: 'store.erased', data: { store: shop } },
    ]);
  });

  it('customers/data_request → customer.data_requested naming the customer, its orders and the request id', () => {
    const delivery = parse('customers/data_request', fixture('shopify-customers-data-request.json'));
    expect(delivery.events).toEqual([
      {
        type: 'customer.data_requested',
        data: {
          store: shop,
          email: 'john@example.com',
          customerId: '191167',
          orderIds: ['299938', '280263', '220458'],
          requestId: '9999',
        },
      },
    ]);
    expect(delivery.ignored).toBeFalsy();
  });
});

describe('Shopify delivery identity and unhandled topics', () => {
  it.each([
    ['returns/request', 'shopify-returns-request.json'],
    ['returns/approve', 'shopify-returns-approve.json'],
    ['returns/close', 'shopify-returns-close.json'],
    ['variants/in_stock', 'shopify-variants-in-stock.json'],
    ['variants/out_of_stock', 'shopify-variants-out-of-stock.json'],
    ['inventory_items/update', 'shopify-inventory-items-update.json'],
    ['constructor', 'shopify-shop-redact.json'], // not a topic even if it is an Object.prototype key
  ])('%s is accepted and ignored', (topic, file) => {
    expect(parse(topic, fixture(file))).toMatchObject({ topic, events: [], ignored: true });
  });

  it('an unhandled topic is ignored without reading the body', () => {
    expect(shopify.parse(Buffer.from('not json'), shopifyHeaders('app/uninstalled'))).toMatchObject({ ignored: true });
  });

  it('eventKey is topic + X-Shopify-Event-Id, and absent without that header', () => {
    const headers = shopifyHeaders('shop/redact');
    delete headers['x-shopify-event-id'];
    const delivery = shopify.parse(fixture('shopify-shop-redact.json'), headers);
    expect(delivery.deliveryId).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    expect(delivery.eventKey).toBeUndefined();
  });

  it.each(['X-Shopify-Shop-Domain', 'X-Shopify-Topic', 'X-Shopify-Webhook-Id'])('a missing %s is a 400', (name) => {
    const headers = shopifyHeaders('orders/create');
    delete headers[name.toLowerCase()];
    expect(rejection(() => shopify.parse(fixture('shopify-orders-create.json'), headers))).toMatchObject({
      status: 400,
      message: `missing ${name} header`,
    });
  });

  it('every published Shopify fixture is covered and maps to valid canonical events under its topic', () => {
    const topicOf: Record<string, string> = {
      'shopify-customers-data-request.json': 'customers/data_request',
      'shopify-customers-email-marketing-consent-update.json': 'customers_email_marketing_consent/update',
      'shopify-customers-redact.json': 'customers/redact',
      'shopify-customers-update-2024-10.json': 'customers/update',
      'shopify-customers-update.json': 'customers/update',
      'shopify-fulfillment-events-create.json': 'fulfillment_events/create',
      'shopify-fulfillments-create.json': 'fulfillments/create',
      'shopify-fulfillments-update.json': 'fulfillments/update',
      'shopify-inventory-items-update.json': 'inventory_items/update',
      'shopify-orders-cancelled.json': 'orders/cancelled',
      'shopify-orders-create-2024-10.json': 'orders/create',
      'shopify-orders-create.json': 'orders/create',
      'shopify-orders-fulfilled.json': 'orders/fulfilled',
      'shopify-orders-paid.json': 'orders/paid',
      'shopify-orders-updated.json': 'orders/updated',
      'shopify-products-create.json': 'products/create',
      'shopify-products-update.json': 'products/update',
      'shopify-refunds-create.json': 'refunds/create',
      'shopify-returns-approve.json': 'returns/approve',
      'shopify-returns-close.json': 'returns/close',
      'shopify-returns-request.json': 'returns/request',
      'shopify-shop-redact.json': 'shop/redact',
      'shopify-variants-in-stock.json': 'variants/in_stock',
      'shopify-variants-out-of-stock.json': 'variants/out_of_stock',
    };
    expect(fixtureNames('shopify-').sort()).toEqual(Object.keys(topicOf).sort());
    for (const [file, topic] of Object.entries(topicOf)) parse(topic, fixture(file));
  });
});
