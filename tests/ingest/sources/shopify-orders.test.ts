import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, EventOf } from '../../../src/domain/canonical-event.js';
import { shopify } from '../../../src/ingest/sources/shopify.js';
import { expectValidDelivery, fixture, fixtureJson, json, rejection, shop, shopifyHeaders } from './support.js';

const parse = (topic: string, body: Buffer) => shopify.parse(body, shopifyHeaders(topic));
const types = (events: CanonicalEvent[]) => events.map((e) => e.type);
const created = (events: CanonicalEvent[]) => events[0] as EventOf<'order.created'>;
/** Shopify's one sample order with some fields replaced. */
const sampleOrder = (changes: Record<string, unknown>) =>
  json({ ...fixtureJson('shopify-orders-create.json'), ...changes });

describe('Shopify order topics', () => {
  it('orders/create: the order with exact ids, money as strings, customer and consent', () => {
    const delivery = parse('orders/create', fixture('shopify-orders-create.json'));
    expectValidDelivery(delivery);
    expect(delivery).toMatchObject({
      deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      eventKey: 'orders/create:98880550-7158-44d4-b7cd-2c97c8a091b5',
      topic: 'orders/create',
      store: shop,
    });
    // The sample is cancelled (cancelled_at set) and voided: created + cancelled, never paid.
    expect(types(delivery.events)).toEqual(['order.created', 'order.cancelled']);
    const { order } = created(delivery.events).data;
    expect(order).toMatchObject({
      id: '820982911946154500', // digit for digit as in the fixture text (rounded upstream, see PROVENANCE)
      createdAt: '2022-01-01T00:00:00.000Z',
      currency: 'USD',
      shippingCountry: 'US',
      shippingProvince: 'KY',
      financialStatus: 'voided',
      cancelledAt: '2022-01-01T00:00:00.000Z',
      customer: {
        id: '115310627314723950',
        email: 'jon@example.com', // the order's email wins over customer.email
        firstName: 'John',
        lastName: 'Smith',
        locale: 'en',
        marketingConsent: true, // buyer_accepts_marketing: 2025+ payloads carry no customer consent
      },
    });
    // The two custom items (product_id null) are left out.
    expect(order.lines).toEqual([
      {
        productId: '788032119674292900',
        sku: 'SKU2006-001',
        title: 'Aviator sunglasses',
        quantity: 1,
        unitPrice: '89.99',
      },
      {
        productId: '788032119674292900',
        sku: 'SKU2006-020',
        title: 'Mid-century lounger',
        quantity: 1,
        unitPrice: '159.99',
      },
      { productId: '788032119674292900', sku: 'SKU2006-035', title: 'Coffee table', quantity: 1, unitPrice: '119.99' },
    ]);
    expect(delivery.events[1]).toEqual({
      type: 'order.cancelled',
      data: { store: shop, orderId: '820982911946154500', at: '2022-01-01T00:00:00.000Z' },
    });
  });

  it('keeps 18-digit ids exact: "id": 820982911946154508 stays 820982911946154508', () => {
    const text = fixture('shopify-orders-create.json')
      .toString()
      .replace('"id": 820982911946154500,', '"id": 820982911946154508,')
      .replace('"id": 115310627314723950,', '"id": 115310627314723954,');
    const { order } = created(parse('orders/create', Buffer.from(text)).events).data;
    expect(order.id).toBe('820982911946154508');
    expect(order.customer.id).toBe('115310627314723954');
  });

  it('the 2024-10 shape: the customer consent state decides (not_subscribed beats the checkout box)', () => {
    const delivery = parse('orders/create', fixture('shopify-orders-create-2024-10.json'));
    expectValidDelivery(delivery);
    const { order } = created(delivery.events).data;
    expect(order.customer.marketingConsent).toBe(false);
    expect(order.lines.map((l) => l.title)).toEqual(['Aviator sunglasses', 'Mid-century lounger', 'Coffee table']);
  });

  it.each([
    ['orders/paid', ['order.created', 'order.paid', 'order.cancelled']],
    ['orders/fulfilled', ['order.created', 'order.fulfilled', 'order.cancelled']],
    ['orders/cancelled', ['order.created', 'order.cancelled']],
    ['orders/updated', ['order.created', 'order.cancelled']],
  ])('%s upserts the order and adds its own milestone', (topic, expected) => {
    const delivery = parse(topic, fixture(`shopify-${topic.replace('/', '-')}.json`));
    expectValidDelivery(delivery);
    expect(types(delivery.events)).toEqual(expected);
    expect(created(delivery.events).data.order.id).toBe('820982911946154500');
  });

  it('a paid, fulfilled and delivered order carries all of it, each with its own time', () => {
    const body = sampleOrder({
      cancelled_at: null,
      financial_status: 'paid',
      fulfillment_status: 'fulfilled',
      processed_at: '2026-11-20T10:00:05Z',
      updated_at: '2026-11-25T08:00:00Z',
      fulfillments: [
        {
          id: 1,
          status: 'success',
          created_at: '2026-11-21T09:00:00Z',
          updated_at: '2026-11-23T14:00:00Z',
          shipment_status: 'delivered',
        },
        { id: 2, status: 'cancelled', created_at: '2026-11-21T08:00:00Z', shipment_status: null },
      ],
    });
    const events = parse('orders/updated', body).events;
    expect(events.slice(1)).toEqual([
      { type: 'order.paid', data: { store: shop, orderId: '820982911946154500', at: '2026-11-20T10:00:05.000Z' } },
      { type: 'order.fulfilled', data: { store: shop, orderId: '820982911946154500', at: '2026-11-21T09:00:00.000Z' } },
      { type: 'order.delivered', data: { store: shop, orderId: '820982911946154500', at: '2026-11-23T14:00:00.000Z' } },
    ]);
  });

  it.each([
    ['paid', true],
    ['partially_refunded', true],
    ['partially_paid', false],
    ['authorized', false],
    ['pending', false],
    ['voided', false],
  ])('financial_status %s → order.paid: %s', (status, paid) => {
    const events = parse('orders/create', sampleOrder({ cancelled_at: null, financial_status: status })).events;
    expect(types(events).includes('order.paid')).toBe(paid);
  });

  it('a fully refunded order says so; the lines come with refunds/create', () => {
    const events = parse(
      'orders/updated',
      sampleOrder({
        cancelled_at: null,
        financial_status: 'refunded',
        refunds: [{ id: 9, created_at: '2026-12-01T00:00:00Z' }],
      }),
    ).events;
    expect(events.at(-1)).toEqual({
      type: 'order.refunded',
      data: { store: shop, orderId: '820982911946154500', at: '2026-12-01T00:00:00.000Z' },
    });
  });

  it('a price sent as a JSON number becomes the same decimal string, without float artefacts', () => {
    const text = fixture('shopify-orders-create.json')
      .toString()
      .replace('"price": "89.99"', '"price": 0.30000000000000004');
    const line = created(parse('orders/create', Buffer.from(text)).events).data.order.lines[0];
    expect(line.unitPrice).toBe('0.30000000000000004');
    const withExponent = fixture('shopify-orders-create.json')
      .toString()
      .replace('"price": "89.99"', '"price": 8.999e1');
    expect(created(parse('orders/create', Buffer.from(withExponent)).events).data.order.lines[0].unitPrice).toBe(
      '89.99',
    );
  });

  it('uses the customer email when the order has none, then contact_email', () => {
    const noOrderEmail = created(parse('orders/create', sampleOrder({ email: '' })).events).data.order;
    expect(noOrderEmail.customer.email).toBe('john@example.com');
    const guest = created(parse('orders/create', sampleOrder({ email: null, customer: null })).events).data.order;
    expect(guest.customer).toEqual({
      email: 'jon@example.com',
      firstName: 'Steve',
      lastName: 'Shipper',
      locale: 'en',
      marketingConsent: true,
      updatedAt: '2022-01-01T00:00:00.000Z',
      consentUpdatedAt: '2022-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['id', { id: null }, 'id: missing (expected an id (string or integer))'],
    ['created_at', { created_at: 'yesterday' }, 'created_at: expected an ISO 8601 time with a zone, got a string'],
    ['currency', { currency: 5 }, 'currency: expected a non-empty string, got a number'],
    ['line_items', { line_items: undefined }, 'line_items: missing (expected a list)'],
  ])('a missing or malformed %s is a 400 naming it', (_field, changes, message) => {
    const err = rejection(() => parse('orders/create', sampleOrder(changes)));
    expect(err.status).toBe(400);
    expect(err.message).toBe(message);
  });

  it('names the line of a bad line field', () => {
    const order = fixtureJson('shopify-orders-create.json');
    const lines = order.line_items as Record<string, unknown>[];
    lines[3] = { ...lines[3], price: 'free' };
    const err = rejection(() => parse('orders/create', json(order)));
    expect(err).toMatchObject({
      status: 400,
      message: 'line_items[3].price: expected a decimal amount such as "12.50", got a string',
    });
  });

  it('malformed JSON is a 400 saying what is wrong', () => {
    const err = rejection(() => parse('orders/create', Buffer.from('{"id": 1,')));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^body is not valid JSON: /);
    expect(rejection(() => parse('orders/create', Buffer.from('[1, 2]'))).message).toBe(
      'body: expected a JSON object, got a list',
    );
    expect(rejection(() => parse('orders/create', Buffer.from([0xff, 0xfe, 0x7b]))).message).toBe(
      'body is not valid UTF-8',
    );
  });
});
