// Shopify deliveries come in any order and more than once, each carrying the order as it was
// when its event fired. Through HTTP against real Postgres + Redis: every arrival order of a
// scenario's deliveries leaves the same cross-sell (and order milestones) as the in-order one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleProducts, type TestApp } from '../../support/app.js';
import { missing } from '../../support/services.js';
import { fixtureJson, postShopifyRaw, uniqueShop } from './support.js';

const ORDER_ID = '820982911946154508'; // exact: above 2^53, kept as digits in the payload text
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000).toISOString();
// Recent enough not to expire (timing.expireAfter 30d); every due time lies in the future.
const T0 = new Date(Date.now() - 3 * 3_600_000);

interface Delivery {
  name: string;
  topic: string;
  body: string;
}

/** JSON text with the 18-digit order id written as a number, digit for digit. */
const withOrderId = (value: object) => JSON.stringify(value).replaceAll('"__ORDER_ID__"', ORDER_ID);

function order(changes: Record<string, unknown>): string {
  const base = fixtureJson('shopify-orders-create.json');
  return withOrderId({
    ...base,
    id: '__ORDER_ID__',
    created_at: T0.toISOString(),
    processed_at: T0.toISOString(),
    updated_at: T0.toISOString(),
    cancelled_at: null,
    cancel_reason: null,
    financial_status: 'pending',
    fulfillment_status: null,
    fulfillments: [],
    ...changes,
  });
}

const create: Delivery = { name: 'create', topic: 'orders/create', body: order({}) };
const paid: Delivery = {
  name: 'paid',
  topic: 'orders/paid',
  body: order({ financial_status: 'paid', processed_at: minutes(5), updated_at: minutes(5) }),
};
const paidAgain: Delivery = { ...paid, name: 'paid again' };
const fulfilled: Delivery = {
  name: 'fulfilled',
  topic: 'orders/fulfilled',
  body: order({
    financial_status: 'paid',
    fulfillment_status: 'fulfilled',
    updated_at: minutes(60),
    fulfillments: [
      {
        id: 123456,
        order_id: '__ORDER_ID__',
        status: 'success',
        created_at: minutes(60),
        updated_at: minutes(60),
        shipment_status: null,
      },
    ],
  }),
};
const delivered: Delivery = {
  name: 'delivered',
  topic: 'fulfillment_events/create',
  body: withOrderId({
    ...fixtureJson('shopify-fulfillment-events-create.json'),
    order_id: '__ORDER_ID__',
    status: 'delivered',
    happened_at: minutes(120),
  }),
};
const cancelled: Delivery = {
  name: 'cancelled',
  topic: 'orders/cancelled',
  body: order({
    financial_status: 'voided',
    cancelled_at: minutes(30),
    cancel_reason: 'customer',
    updated_at: minutes(30),
  }),
};

/** refunds/create of the whole order: every line back and one successful refund of the total. */
const refundedInFull: Delivery = {
  name: 'refunded in full',
  topic: 'refunds/create',
  body: withOrderId({
    ...fixtureJson('shopify-refunds-create.json'),
    order_id: '__ORDER_ID__',
    created_at: minutes(200),
    processed_at: minutes(200),
    transactions: [{ id: 1, kind: 'refund', status: 'success', amount: '369.97', currency: 'USD' }],
  }),
};

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe.skipIf(missing('postgres', 'redis'))('Shopify deliveries in any order', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      workers: false,
      config: { timing: { default: { after: 'delivered', delay: '2d' }, quietHours: false } },
    });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
  });
  afterAll(async () => app?.stop());

  /** Posts the deliveries in this order to a fresh shop; the cross-sell and order it leaves. */
  async function run(list: Delivery[]) {
    const shop = uniqueShop('ooo');
    for (const d of list) {
      const answer = await postShopifyRaw(app, d.topic, d.body, { shop });
      expect(answer.status, `${d.name}: ${answer.text}`).toBe(200);
      expect(answer.body.duplicate, d.name).toBeFalsy();
    }
    const { rows } = await app.db.pool.query(
      `SELECT order_id, status, reason, due_at, timing FROM cross_sells WHERE store = $1`,
      [shop],
    );
    // A cross-sell cancelled after it was given a send time keeps that time and its timing (the
    // funnel counts it as "scheduled, then cancelled"), one cancelled on arrival never had one:
    // that is history of what we knew when, not the decision. The decision must not depend on
    // arrival order: a cancelled row compares on status and reason; a live one on everything.
    const crossSells = rows.map((x) =>
      x.status === 'cancelled' ? { order_id: x.order_id, status: x.status, reason: x.reason } : x,
    );
    const { rows: orders } = await app.db.pool.query(
      `SELECT order_id, created_at, paid_at, fulfilled_at, delivered_at, cancelled_at, total,
              (SELECT count(*)::int FROM order_lines l WHERE l.store = o.store AND l.order_id = o.order_id) AS lines
       FROM orders o WHERE store = $1`,
      [shop],
    );
    return { crossSells, orders };
  }

  async function expectSameEverywhere(scenario: Delivery[]) {
    const inOrder = await run(scenario);
    for (const perm of permutations(scenario).slice(1)) {
      expect(await run(perm), perm.map((d) => d.name).join(' → ')).toEqual(inOrder);
    }
    return inOrder;
  }

  it('orders/cancelled before orders/create: cancelled either way', async () => {
    const final = await expectSameEverywhere([create, paid, cancelled]);
    expect(final.crossSells).toMatchObject([{ order_id: ORDER_ID, status: 'cancelled', reason: 'order_cancelled' }]);
    expect(final.orders).toMatchObject([{ order_id: ORDER_ID, cancelled_at: new Date(minutes(30)), lines: 3 }]);
  });

  it('orders/paid twice (two webhook ids), in any position: one paid time, the same due time', async () => {
    const final = await expectSameEverywhere([create, paid, paidAgain, delivered]);
    expect(final.crossSells).toMatchObject([
      { status: 'scheduled', reason: null, due_at: new Date(new Date(minutes(120)).getTime() + 2 * 86_400_000) },
    ]);
    expect(final.orders).toMatchObject([
      { paid_at: new Date(minutes(5)), delivered_at: new Date(minutes(120)), lines: 3 },
    ]);
  });

  it('the delivery (fulfillment_events/create delivered) before orders/create and orders/fulfilled', async () => {
    const final = await expectSameEverywhere([create, fulfilled, delivered]);
    expect(final.crossSells).toMatchObject([
      { status: 'scheduled', due_at: new Date(new Date(minutes(120)).getTime() + 2 * 86_400_000) },
    ]);
    expect(final.orders).toMatchObject([
      {
        created_at: T0,
        fulfilled_at: new Date(minutes(60)),
        delivered_at: new Date(minutes(120)),
        total: '369.97',
        lines: 3,
      },
    ]);
  });

  it('cancelled after delivered and before create: still cancelled, whatever came first', async () => {
    const final = await expectSameEverywhere([create, delivered, cancelled]);
    expect(final.crossSells).toMatchObject([{ status: 'cancelled', reason: 'order_cancelled' }]);
  });

  // BUG (src/ingest/sql/record-refund.sql + record-orders.sql): a refund of an order we have not
  // seen yet is stored on a bare order row (refunded_amount, no total, no lines), so neither the
  // "whole total back" nor the "every unit back" test can hold; when orders/create then brings
  // the total and lines, record-orders.sql never re-runs that test (refunded_at stays null) and the
  // cross-sell of a fully refunded order is scheduled. In order it is cancelled (order_refunded).
  it('refunds/create (the whole order) before orders/create: cancelled either way', async () => {
    const final = await expectSameEverywhere([create, delivered, refundedInFull]);
    expect(final.crossSells).toMatchObject([{ status: 'cancelled', reason: 'order_refunded' }]);
  });

  it('a payload repeated under the same webhook id is a duplicate, in any position', async () => {
    const shop = uniqueShop('ooo-dup');
    expect(
      (await postShopifyRaw(app, 'orders/paid', paid.body, { shop, webhookId: 'paid-1' })).body.duplicate,
    ).toBeFalsy();
    expect((await postShopifyRaw(app, 'orders/create', create.body, { shop })).status).toBe(200);
    expect((await postShopifyRaw(app, 'orders/paid', paid.body, { shop, webhookId: 'paid-1' })).body).toMatchObject({
      duplicate: true,
    });
    const { rows } = await app.db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE store = $1`, [shop]);
    expect(rows).toEqual([{ n: 2 }]);
  });
});
