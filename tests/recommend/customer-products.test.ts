// customer_products, the per-product summary item selection reads instead of a customer's
// every line, must always equal its recomputation from orders + order_lines, whichever way
// the record changed: webhook orders (new, repeated, late customer), refunds, history
// imports (with returns) and erasure. Each write path that forgot it would fail here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing } from '../support/services.js';
import { fixture } from '../import/support.js';
import { importOrders } from '../../src/import/import-orders.js';
import { PostgresItemPicker } from '../../src/recommend/pick-from-database.js';
import { parseConfig } from '../../src/config/load.js';

// The same computation as the backfill in migrations/0005_customer_products.sql.
const RECOMPUTED = `
SELECT o.store, o.customer_key, l.product_id,
       max(o.created_at) FILTER (WHERE l.quantity > 0) AS last_bought_at,
       (array_agg(o.order_id ORDER BY o.created_at DESC, o.order_id DESC) FILTER (WHERE l.quantity > 0))[1] AS last_order_id,
       bool_or(l.returned_quantity > 0 OR l.quantity < 0) AS returned
FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
WHERE o.customer_key IS NOT NULL AND o.store = ANY($1)
GROUP BY o.store, o.customer_key, l.product_id
ORDER BY 1, 2, 3`;
const STORED = `SELECT store, customer_key, product_id, last_bought_at, last_order_id, returned FROM customer_products
WHERE store = ANY($1) ORDER BY 1, 2, 3`;

describe.skipIf(missing('postgres', 'redis'))('the customers’ per-product summary', () => {
  let app: TestApp;
  const stores = ['cp-web', 'cp-import'];
  const rows = async (sql: string) => (await app.db.pool.query(sql, [stores])).rows;
  const expectConsistent = async () => {
    const recomputed = await rows(RECOMPUTED);
    expect(recomputed.length).toBeGreaterThan(0);
    expect(await rows(STORED)).toEqual(recomputed);
  };
  const order = (id: string, productId: string, createdAt: string, email = 'sam@example.com') => {
    const event = sampleOrder(id, { store: 'cp-web', email, productId, createdAt: new Date(createdAt) });
    return app.postEvent(event);
  };

  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false, config: { timing: { quietHours: false } } });
  });
  afterAll(async () => app?.stop());

  it('follows webhook orders, in any order of arrival, and repeats of them', async () => {
    expect((await order('W-2', 'LAMP', '2026-11-10T10:00:00Z')).status).toBe(200);
    expect((await order('W-1', 'LAMP', '2026-11-01T10:00:00Z')).status).toBe(200); // older, later
    expect((await order('W-3', 'TENT', '2026-11-12T10:00:00Z')).status).toBe(200);
    expect((await order('W-3', 'TENT', '2026-11-12T10:00:00Z')).status).toBe(200); // heard again
    expect((await order('W-9', 'MUG', '2026-11-12T10:00:00Z', 'other@example.com')).status).toBe(200);
    // A milestone before the order itself: the order row exists first without customer or lines.
    expect(
      (
        await app.postEvent({
          type: 'order.paid',
          data: { store: 'cp-web', orderId: 'W-4', at: '2026-11-13T10:00:00Z' },
        })
      ).status,
    ).toBe(200);
    expect((await order('W-4', 'STOVE', '2026-11-13T09:00:00Z')).status).toBe(200);
    await expectConsistent();
    expect((await rows(STORED)).find((r) => r.product_id === 'STOVE')).toMatchObject({ last_order_id: 'W-4' });
    const lamp = (await rows(STORED)).find((r) => r.product_id === 'LAMP');
    expect(lamp).toMatchObject({ last_order_id: 'W-2', returned: false });
  });

  it('follows refunds', async () => {
    const r = await app.postEvent({
      type: 'order.refunded',
      data: {
        store: 'cp-web',
        orderId: 'W-3',
        at: new Date().toISOString(),
        lines: [{ productId: 'TENT', quantity: 1, amount: '399.00' }],
      },
    });
    expect(r.status).toBe(200);
    await expectConsistent();
    expect((await rows(STORED)).find((x) => x.product_id === 'TENT')?.returned).toBe(true);
  });

  it('follows history imports, returns included', async () => {
    await importOrders(app.db.pool, 'cp-import', fixture('online-retail.csv'));
    await expectConsistent();
    expect((await rows(STORED)).some((r) => r.store === 'cp-import' && r.returned)).toBe(true);
    // Importing the same file again changes nothing.
    const before = await rows(STORED);
    await importOrders(app.db.pool, 'cp-import', fixture('online-retail.csv'));
    expect(await rows(STORED)).toEqual(before);
  });

  it('follows erasure: the products stay with the re-keyed, anonymous customer', async () => {
    const r = await app.postEvent({ type: 'customer.erased', data: { store: 'cp-web', email: 'sam@example.com' } });
    expect(r.status).toBe(200);
    await expectConsistent();
    const keys = new Set(
      (await rows(STORED)).filter((x) => x.store === 'cp-web' && x.product_id !== 'MUG').map((x) => x.customer_key),
    );
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^x-/);
  });

  it('is what the picker reads: a product the customer bought in an earlier order is not offered again', async () => {
    for (const p of sampleProducts('cp-web')) expect((await app.postEvent(p)).status).toBe(200);
    const picker = new PostgresItemPicker(app.db.pool, () => parseConfig({}));
    const pickFor = async (orderId: string) => {
      const {
        rows: [o],
      } = await app.db.pool.query(`SELECT customer_key FROM orders WHERE store = 'cp-web' AND order_id = $1`, [
        orderId,
      ]);
      const picked = await picker.pick({
        store: 'cp-web',
        customerKey: o.customer_key,
        orderIds: [orderId],
        limit: 3,
        lines: [
          {
            orderId,
            productId: 'P1',
            title: 'Console X',
            productType: 'Video Game Console',
            quantity: 1,
            unitPrice: '399.00',
          },
        ],
      });
      return picked.items.map((i) => i.productId);
    };
    expect((await order('W-30', 'P1', '2026-11-05T10:00:00Z', 'new@example.com')).status).toBe(200);
    expect(await pickFor('W-30')).toEqual(['P3', 'P2', 'P4']);
    expect((await order('W-20', 'P2', '2026-11-01T10:00:00Z', 'pat@example.com')).status).toBe(200);
    expect((await order('W-21', 'P1', '2026-11-05T10:00:00Z', 'pat@example.com')).status).toBe(200);
    expect(await pickFor('W-21')).toEqual(['P3', 'P4']);
  });

  it('goes with its store', async () => {
    expect((await app.postEvent({ type: 'store.erased', data: { store: 'cp-import' } })).status).toBe(200);
    expect(
      (await app.db.pool.query(`SELECT count(*)::int AS n FROM customer_products WHERE store = 'cp-import'`)).rows[0].n,
    ).toBe(0);
  });
});
