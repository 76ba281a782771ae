// A refund counts once per platform refund id, however often and under whatever delivery id it
// arrives: through the real routes with the published payloads. Each refund here is more than
// half the order, so counting it twice would read as a full refund and cancel the cross-sell.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { missing } from '../../support/services.js';
import { fixtureJson, postEventRaw, postShopifyRaw, postWoo, uniqueShop } from './support.js';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
/** WooCommerce's `date_*_gmt`: UTC without a zone. */
const wooTime = (iso: string) => iso.slice(0, 19);

/** The published orders/create, recent and paid: three product lines, 369.97 in all. */
function shopifyOrder(): string {
  const at = minutesAgo(60);
  return JSON.stringify({
    ...fixtureJson('shopify-orders-create.json'),
    created_at: at,
    processed_at: at,
    updated_at: at,
    cancelled_at: null,
    cancel_reason: null,
    financial_status: 'paid',
  });
}

/** The published refunds/create: one unit back (the sunglasses) and 200.00 refunded. */
function shopifyRefund(changes: Record<string, unknown> = {}): string {
  const refund = fixtureJson('shopify-refunds-create.json');
  const [sunglasses] = refund.refund_line_items as object[];
  const [transaction] = refund.transactions as object[];
  return JSON.stringify({
    ...refund,
    created_at: minutesAgo(30),
    processed_at: minutesAgo(30),
    refund_line_items: [sunglasses],
    transactions: [{ ...transaction, amount: '200.00' }],
    ...changes,
  });
}

/** The published order.updated (lines 2 × 3.00 + 12.00 = 18.00), recent, listing these refunds. */
function wooOrder(refunds: object[], modifiedMinutesAgo = 30): string {
  const created = wooTime(minutesAgo(60));
  return JSON.stringify({
    ...fixtureJson('woocommerce-order-updated.json'),
    date_created_gmt: created,
    date_paid_gmt: created,
    date_completed_gmt: created,
    date_modified_gmt: wooTime(minutesAgo(modifiedMinutesAgo)),
    refunds,
  });
}

describe.skipIf(missing('postgres', 'redis'))('refunds count once per refund id', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      workers: false,
      config: { timing: { default: { after: 'order', delay: '2d' }, quietHours: false } },
    });
  });
  afterAll(async () => app?.stop());

  const state = async (store: string) => {
    const { rows } = await app.db.pool.query(
      `SELECT o.refunded_amount::text AS refunded, o.refunded_at,
              (SELECT sum(returned_quantity)::int FROM order_lines l WHERE l.store = o.store AND l.order_id = o.order_id) AS returned,
              (SELECT status FROM cross_sells x WHERE x.store = o.store AND x.order_id = o.order_id) AS status
       FROM orders o WHERE o.store = $1`,
      [store],
    );
    expect(rows).toHaveLength(1);
    return rows[0] as { refunded: string; refunded_at: Date | null; returned: number; status: string };
  };

  it('Shopify: the same refunds/create under two webhook ids counts once; the cross-sell stays', async () => {
    const shop = uniqueShop('refund-twice');
    expect((await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop })).status).toBe(200);
    expect(await state(shop)).toMatchObject({ refunded: '0.00', returned: 0, status: 'scheduled' });
    const refund = shopifyRefund();
    for (const webhookId of ['refund-delivery-1', 'refund-delivery-2']) {
      const answer = await postShopifyRaw(app, 'refunds/create', refund, { shop, webhookId });
      expect(answer).toMatchObject({ status: 200, body: { ok: true } });
      expect(answer.body.duplicate).toBeUndefined(); // a new delivery: accepted, its refund ignored
    }
    expect(await state(shop)).toMatchObject({
      refunded: '200.00',
      refunded_at: null,
      returned: 1,
      status: 'scheduled',
    });
    const { rows } = await app.db.pool.query(`SELECT refund_id FROM order_refunds WHERE store = $1`, [shop]);
    expect(rows).toEqual([{ refund_id: String((fixtureJson('shopify-refunds-create.json') as { id: number }).id) }]);
  });

  it('Shopify: a refund without an id counts every time, as before', async () => {
    const shop = uniqueShop('refund-no-id');
    await postShopifyRaw(app, 'orders/create', shopifyOrder(), { shop });
    const refund = shopifyRefund({ id: null });
    for (const webhookId of ['no-id-1', 'no-id-2'])
      expect((await postShopifyRaw(app, 'refunds/create', refund, { shop, webhookId })).status).toBe(200);
    expect(await state(shop)).toMatchObject({ refunded: '400.00', returned: 2, status: 'cancelled' });
  });

  it('WooCommerce: a partial refund repeated by later order.updated deliveries counts once', async () => {
    const site = `refund-${randomBytes(3).toString('hex')}.example`;
    const refund = fixtureJson('woocommerce-order-refund.json');
    const listed = [{ id: refund.id, reason: refund.reason, total: `-${String(refund.amount)}` }]; // 10.00 of 18.00
    expect((await postWoo(app, 'order.updated', wooOrder([]), { site: `https://${site}/` })).status).toBe(200);
    // Another webhook of the same site, then a later update: new delivery ids, the same refund.
    expect(
      (await postWoo(app, 'order.updated', wooOrder(listed), { site: `https://${site}/`, webhookId: '42' })).status,
    ).toBe(200);
    expect(
      (await postWoo(app, 'order.updated', wooOrder(listed), { site: `https://${site}/`, webhookId: '43' })).status,
    ).toBe(200);
    expect((await postWoo(app, 'order.updated', wooOrder(listed, 10), { site: `https://${site}/` })).status).toBe(200);
    expect(await state(site)).toMatchObject({ refunded: '10.00', refunded_at: null, status: 'scheduled' });
  });

  it('canonical events: order.refunded with a refundId counts once per order', async () => {
    const store = `events-${randomBytes(3).toString('hex')}`;
    const order = {
      type: 'order.created',
      data: {
        store,
        order: {
          id: 'R1',
          createdAt: minutesAgo(60),
          currency: 'USD',
          customer: { email: 'ann@example.com' },
          lines: [{ productId: 'P1', title: 'Console X', quantity: 1, unitPrice: '399.00' }],
        },
      },
    };
    expect((await postEventRaw(app, order)).status).toBe(200);
    const refunded = {
      type: 'order.refunded',
      data: { store, orderId: 'R1', at: minutesAgo(5), refundId: 'RF-1', lines: [], amount: '250.00' },
    };
    for (let i = 0; i < 2; i++) expect((await postEventRaw(app, refunded)).status).toBe(200);
    expect(await state(store)).toMatchObject({ refunded: '250.00', refunded_at: null, status: 'scheduled' });
  });
});
