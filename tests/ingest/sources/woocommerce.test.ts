import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, EventOf } from '../../../src/domain/canonical-event.js';
import { parseWooCommerce, woocommerce } from '../../../src/ingest/sources/woocommerce.js';
import {
  expectValidDelivery,
  fixture,
  fixtureJson,
  fixtureNames,
  hmacBase64,
  json,
  rejection,
  wooHeaders,
} from './support.js';

const now = new Date('2026-11-30T12:00:00Z');
const parse = (topic: string, body: Buffer, extra: Record<string, string> = {}) => {
  const delivery = parseWooCommerce(body, wooHeaders(topic, extra), now);
  expectValidDelivery(delivery);
  return delivery;
};
const types = (events: CanonicalEvent[]) => events.map((e) => e.type);
const sampleOrder = (changes: Record<string, unknown>) =>
  json({ ...fixtureJson('woocommerce-order-created.json'), ...changes });
const sampleProduct = (changes: Record<string, unknown>) =>
  json({ ...fixtureJson('woocommerce-product-created.json'), ...changes });
const product = (body: Buffer) =>
  (parse('product.updated', body).events[0] as EventOf<'product.upserted'>).data.product;

describe('WooCommerce signature and creation ping', () => {
  const secret = 'wc-secret with spaces, and commas';
  const body = fixture('woocommerce-order-created.json');

  it('accepts X-WC-Webhook-Signature = base64 HMAC-SHA256 of the raw body', () => {
    expect(() =>
      woocommerce.verify(body, { 'x-wc-webhook-signature': hmacBase64(secret, body) }, secret),
    ).not.toThrow();
  });

  it('rejects a tampered body, a wrong secret and a missing signature with 401', () => {
    const sig = hmacBase64(secret, body);
    const tampered = Buffer.from(body.toString().replace('"processing"', '"completed"'));
    expect(rejection(() => woocommerce.verify(tampered, { 'x-wc-webhook-signature': sig }, secret)).status).toBe(401);
    expect(rejection(() => woocommerce.verify(body, { 'x-wc-webhook-signature': sig }, 'nope')).status).toBe(401);
    expect(rejection(() => woocommerce.verify(body, { 'x-wc-webhook-signature': 'short' }, secret)).status).toBe(401);
    expect(rejection(() => woocommerce.verify(body, {}, secret))).toMatchObject({
      status: 401,
      message: 'missing X-WC-Webhook-Signature header',
    });
  });

  it('accepts the unsigned creation ping (WooCommerce sends it without X-WC-Webhook-* headers)', () => {
    const ping = Buffer.from('webhook_id=17');
    expect(() =>
      woocommerce.verify(ping, { 'content-type': 'application/x-www-form-urlencoded' }, secret),
    ).not.toThrow();
    expect(woocommerce.parse(ping, {})).toEqual({ deliveryId: 'ping:17', topic: 'ping', store: '', events: [] });
  });

  it('a ping that carries a signature must verify; nothing else may come unsigned', () => {
    const ping = Buffer.from('webhook_id=17');
    expect(() =>
      woocommerce.verify(ping, { 'x-wc-webhook-signature': hmacBase64(secret, ping) }, secret),
    ).not.toThrow();
    expect(
      rejection(() => woocommerce.verify(ping, { 'x-wc-webhook-signature': hmacBase64('x', ping) }, secret)).status,
    ).toBe(401);
    for (const unsigned of ['webhook_id=17&x=1', 'webhook_id=abc', '{"webhook_id":17}']) {
      expect(rejection(() => woocommerce.verify(Buffer.from(unsigned), {}, secret)).status).toBe(401);
    }
  });
});

describe('WooCommerce orders', () => {
  it('order.created (status processing) → order.created + order.paid, prices from JSON numbers', () => {
    const delivery = parse('order.created', fixture('woocommerce-order-created.json'));
    expect(delivery).toMatchObject({ topic: 'order.created', store: 'example.com' });
    expect(types(delivery.events)).toEqual(['order.created', 'order.paid']);
    expect((delivery.events[0] as EventOf<'order.created'>).data.order).toEqual({
      id: '727',
      createdAt: '2017-03-22T19:28:02.000Z', // date_created_gmt has no zone: it is UTC
      currency: 'USD',
      shippingCountry: 'US',
      shippingProvince: 'CA',
      // customer_id 0: a guest; date_modified_gmt dates the customer facts
      customer: {
        email: 'john.doe@example.com',
        firstName: 'John',
        lastName: 'Doe',
        updatedAt: '2017-03-22T19:28:08.000Z',
      },
      financialStatus: 'processing',
      lines: [
        { productId: '93', title: 'Woo Single #1', quantity: 2, unitPrice: '3' }, // "price": 3
        {
          productId: '22',
          variantId: '23',
          sku: 'Bar3',
          title: 'Ship Your Idea – Color: Black, Size: M Test',
          quantity: 1,
          unitPrice: '12',
        },
      ],
    });
    expect(delivery.events[1]).toEqual({
      type: 'order.paid',
      data: { store: 'example.com', orderId: '727', at: '2017-03-22T19:28:08.000Z' },
    });
  });

  it('order.updated (status completed) → + order.fulfilled at date_completed_gmt', () => {
    const { events } = parse('order.updated', fixture('woocommerce-order-updated.json'));
    expect(types(events)).toEqual(['order.created', 'order.paid', 'order.fulfilled']);
    expect(events[2]).toEqual({
      type: 'order.fulfilled',
      data: { store: 'example.com', orderId: '727', at: '2017-03-22T19:30:35.000Z' },
    });
  });

  it.each([
    ['pending', ['order.created']],
    ['on-hold', ['order.created']],
    ['failed', ['order.created']],
    ['processing', ['order.created', 'order.paid']],
    ['completed', ['order.created', 'order.paid', 'order.fulfilled']],
    ['cancelled', ['order.created', 'order.cancelled']],
    ['refunded', ['order.created', 'order.refunded']],
  ])('status %s → %j', (status, expected) => {
    expect(types(parse('order.updated', sampleOrder({ status })).events)).toEqual(expected);
  });

  it('a full refund arrives as order.updated: each listed refund with its id and amount, then every line returned', () => {
    const refund = fixtureJson('woocommerce-order-refund.json');
    const body = sampleOrder({
      status: 'refunded',
      refunds: [{ id: refund.id, reason: refund.reason, total: `-${String(refund.amount)}` }],
    });
    expect(parse('order.updated', body).events.filter((e) => e.type === 'order.refunded')).toEqual([
      {
        type: 'order.refunded',
        data: {
          store: 'example.com',
          orderId: '727',
          at: '2017-03-22T19:28:08.000Z',
          refundId: '726',
          lines: [],
          amount: '10.00',
        },
      },
      {
        type: 'order.refunded',
        data: {
          store: 'example.com',
          orderId: '727',
          at: '2017-03-22T19:28:08.000Z',
          // quantities only: every later update repeats this event, and quantities saturate
          lines: [
            { productId: '93', quantity: 2 },
            { productId: '22', quantity: 1 },
          ],
        },
      },
    ]);
  });

  it('a partial refund (status unchanged, refunds listed) is sent per refund id, which the recorder counts once', () => {
    const body = sampleOrder({
      refunds: [
        { id: 726, reason: '', total: '-10.00' },
        { id: 731, reason: 'damaged', total: '-2.50' },
        { reason: 'no id', total: '-1.00' },
      ],
    });
    const { events } = parse('order.updated', body);
    expect(types(events)).toEqual(['order.created', 'order.paid', 'order.refunded', 'order.refunded']);
    expect(events.slice(2).map((e) => e.data)).toEqual([
      {
        store: 'example.com',
        orderId: '727',
        at: '2017-03-22T19:28:08.000Z',
        refundId: '726',
        lines: [],
        amount: '10.00',
      },
      {
        store: 'example.com',
        orderId: '727',
        at: '2017-03-22T19:28:08.000Z',
        refundId: '731',
        lines: [],
        amount: '2.50',
      },
    ]);
  });

  it('the refund resource itself is not an order payload: 400 naming what is missing', () => {
    expect(rejection(() => parse('order.updated', fixture('woocommerce-order-refund.json')))).toMatchObject({
      status: 400,
      message: 'currency: missing (expected a non-empty string)',
    });
  });

  it('order.deleted (trashed, payload { id }) → order.cancelled when we heard of it', () => {
    expect(parse('order.deleted', json({ id: 727 })).events).toEqual([
      { type: 'order.cancelled', data: { store: 'example.com', orderId: '727', at: '2026-11-30T12:00:00.000Z' } },
    ]);
  });

  it('skips lines without a product and names a bad line field', () => {
    const order = fixtureJson('woocommerce-order-created.json');
    const lines = order.line_items as Record<string, unknown>[];
    const withCustom = {
      ...order,
      line_items: [...lines, { id: 9, name: 'Gift wrap', product_id: 0, quantity: 1, price: 2 }],
    };
    const created = parse('order.created', json(withCustom)).events[0] as EventOf<'order.created'>;
    expect(created.data.order.lines.map((l) => l.productId)).toEqual(['93', '22']);
    lines[1] = { ...lines[1], quantity: '1' };
    expect(rejection(() => parse('order.created', json(order)))).toMatchObject({
      status: 400,
      message: 'line_items[1].quantity: expected an integer, got a string',
    });
  });
});

describe('WooCommerce products', () => {
  it('product.created → product.upserted', () => {
    expect(parse('product.created', fixture('woocommerce-product-created.json')).events).toEqual([
      {
        type: 'product.upserted',
        data: {
          store: 'example.com',
          product: {
            id: '794',
            title: 'Premium Quality',
            productType: 'Clothing',
            tags: [],
            url: 'https://example.com/product/premium-quality-19/',
            imageUrl: 'https://example.com/wp-content/uploads/2017/03/T_2_front-4.jpg',
            price: '21.99',
            available: true,
            complements: [],
            upsells: [],
          },
        },
      },
    ]);
  });

  it('cross-sells are complements, upsells are kept apart', () => {
    const p = product(
      sampleProduct({ cross_sell_ids: [53, 40], upsell_ids: [99], tags: [{ id: 1, name: 'Tees &amp; tops' }] }),
    );
    expect(p.complements).toEqual([{ id: '53' }, { id: '40' }]);
    expect(p.upsells).toEqual(['99']);
    expect(p.tags).toEqual(['Tees & tops']);
  });

  it.each([
    ['out of stock', { stock_status: 'outofstock' }],
    ['on backorder', { stock_status: 'onbackorder' }],
    ['a draft', { status: 'draft' }],
    ['not purchasable', { purchasable: false }],
  ])('%s → not available', (_case, changes) => {
    expect(product(sampleProduct(changes)).available).toBe(false);
  });

  it('a variation webhook is ignored (its parent product is the catalog entry)', () => {
    expect(parse('product.updated', sampleProduct({ type: 'variation', parent_id: 22 }))).toMatchObject({
      events: [],
      ignored: true,
    });
  });
});

describe('WooCommerce customers', () => {
  it('customer.updated → customer.updated (WooCommerce has no marketing consent of its own)', () => {
    const body = json({
      id: 25,
      email: 'john.doe@example.com',
      first_name: 'John',
      last_name: 'Doe',
      role: 'customer',
    });
    expect(parse('customer.updated', body).events).toEqual([
      {
        type: 'customer.updated',
        data: {
          store: 'example.com',
          customer: { id: '25', email: 'john.doe@example.com', firstName: 'John', lastName: 'Doe' },
        },
      },
    ]);
    // date_modified_gmt (UTC, no zone) dates the facts, so an older update cannot overwrite a newer one.
    const dated = json({
      id: 25,
      email: 'john.doe@example.com',
      date_modified: '2017-03-22T16:30:35',
      date_modified_gmt: '2017-03-22T19:30:35',
    });
    expect((parse('customer.updated', dated).events[0] as EventOf<'customer.updated'>).data.customer.updatedAt).toBe(
      '2017-03-22T19:30:35.000Z',
    );
  });
});

describe('WooCommerce delivery identity', () => {
  it('store is the host of X-WC-Webhook-Source', () => {
    expect(
      parse('product.created', fixture('woocommerce-product-created.json'), {
        'x-wc-webhook-source': 'https://Shop.Example:8443/',
      }).store,
    ).toBe('shop.example:8443');
    expect(
      rejection(() =>
        parse('product.created', fixture('woocommerce-product-created.json'), { 'x-wc-webhook-source': 'not a url' }),
      ),
    ).toMatchObject({
      status: 400,
    });
  });

  it('the delivery id is webhook id + body hash: Woo reuses X-WC-Webhook-Delivery-ID within a second', () => {
    const first = parse('order.updated', fixture('woocommerce-order-created.json'));
    const second = parse('order.updated', fixture('woocommerce-order-updated.json')); // same Delivery-ID header
    const again = parse('order.updated', fixture('woocommerce-order-created.json'), {
      'x-wc-webhook-delivery-id': 'other',
    });
    expect(first.deliveryId).toMatch(/^42:[0-9a-f]{64}$/);
    expect(second.deliveryId).not.toBe(first.deliveryId);
    expect(again.deliveryId).toBe(first.deliveryId);
    expect(first.eventKey).toBeUndefined();
  });

  it.each(['X-WC-Webhook-Source', 'X-WC-Webhook-Topic', 'X-WC-Webhook-ID'])('a missing %s is a 400', (name) => {
    const headers = wooHeaders('order.created');
    delete headers[name.toLowerCase()];
    expect(rejection(() => woocommerce.parse(fixture('woocommerce-order-created.json'), headers))).toMatchObject({
      status: 400,
      message: `missing ${name} header`,
    });
  });

  it('unhandled topics (coupons, deleted products and customers, actions) are ignored', () => {
    for (const topic of ['coupon.created', 'product.deleted', 'customer.deleted', 'action.woocommerce_add_to_cart']) {
      expect(parse(topic, json({ id: 1 }))).toMatchObject({ topic, events: [], ignored: true });
    }
  });

  it('every published WooCommerce fixture is exercised above', () => {
    expect(fixtureNames('woocommerce-').sort()).toEqual([
      'woocommerce-order-created.json',
      'woocommerce-order-refund.json',
      'woocommerce-order-updated.json',
      'woocommerce-product-created.json',
    ]);
  });
});
