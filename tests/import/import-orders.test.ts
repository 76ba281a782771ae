// importOrders against real Postgres with small files in each export's real layout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importOrders } from '../../src/import/import-orders.js';
import { customerKey } from '../../src/domain/customer-key.js';
import { missing, tempDir } from '../support/services.js';
import { fingerprint, fixture, migratedPool } from './support.js';

const skip = missing('postgres');

describe.skipIf(skip)('importOrders', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await migratedPool();
    pool = db.pool;
  });
  afterAll(async () => db?.close());

  const q = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;

  describe('Online Retail CSV', () => {
    it('imports one order per invoice, C invoices as negative lines, skipping non-product codes', async () => {
      const r = await importOrders(pool, 'or', fixture('online-retail.csv'));
      expect(r).toMatchObject({ format: 'online-retail', lines: 10, orders: 7, returns: 2, customers: 3, skipped: 4 });
      expect(r.errors).toEqual([{ line: 13, error: 'bad Quantity "abc"' }]);

      const orders =
        await q(`SELECT order_id, customer_key, created_at, currency, shipping_country, total::text, from_history
                              FROM orders WHERE store = 'or' ORDER BY order_id`);
      expect(orders.map((o) => o.order_id)).toEqual([
        '536365',
        '536366',
        '536367',
        '536368',
        '536394',
        'C536383',
        'C536391',
      ]);
      expect(orders.every((o) => o.from_history && o.currency === 'GBP')).toBe(true);
      const byId = Object.fromEntries(orders.map((o) => [o.order_id, o]));
      expect(byId['536365']).toMatchObject({
        customer_key: customerKey({ id: '17850' }),
        total: '35.64',
        shipping_country: 'GB',
      });
      // Winter time is GMT, summer time BST; EIRE is Ireland.
      expect(byId['536365'].created_at.toISOString()).toBe('2010-12-01T08:26:00.000Z');
      expect(byId['536394']).toMatchObject({
        customer_key: customerKey({ id: '13047' }),
        shipping_country: 'IE',
        total: '204.00',
      });
      expect(byId['536394'].created_at.toISOString()).toBe('2011-06-01T09:00:00.000Z');
      // No CustomerID: kept as an order without a customer (co-purchase still learns from it).
      expect(byId['536368'].customer_key).toBeNull();
      // An invoice met again later in the file continues its lines, and its total covers both.
      expect(byId['536366'].total).toBe('22.20');

      const lines = await q(
        `SELECT order_id, line_no, product_id, title, quantity, unit_price::text FROM order_lines WHERE store = 'or' ORDER BY order_id, line_no`,
      );
      expect(lines).toHaveLength(10);
      expect(lines.filter((l) => l.order_id === '536365').map((l) => l.product_id)).toEqual(['85123A', '71053']); // POST skipped
      expect(lines.filter((l) => l.order_id === '536366').map((l) => [l.line_no, l.product_id])).toEqual([
        [1, '22633'],
        [2, '22632'],
      ]);
      expect(lines.find((l) => l.order_id === '536368')).toMatchObject({ product_id: '85123A', quantity: 2 }); // code upper-cased
      expect(lines.find((l) => l.order_id === '536367' && l.line_no === 2).title).toBe("POPPY'S PLAYHOUSE, BEDROOM");
      expect(
        lines
          .filter((l) => l.order_id.startsWith('C'))
          .map((l) => [l.order_id, l.product_id, l.quantity, l.unit_price]),
      ).toEqual([
        ['C536383', '35004C', -1, '4.65'],
        ['C536391', '71053', -2, '3.39'],
      ]);
      // Non-product codes never reach the record: no D, POST or gift voucher lines, no order of only a discount.
      expect(
        await q(`SELECT 1 FROM order_lines WHERE store = 'or' AND product_id IN ('POST', 'D', 'GIFT_0001_20')`),
      ).toHaveLength(0);
      expect(await q(`SELECT 1 FROM orders WHERE store = 'or' AND order_id = 'C536379'`)).toHaveLength(0);

      // Keyed by the keyed hash of the customer id (src/domain/customer-key.ts).
      const customers = await q(
        `SELECT customer_key, external_id, email FROM customers WHERE store = 'or' ORDER BY external_id`,
      );
      expect(customers).toEqual(
        ['13047', '15311', '17850'].map((id) => ({ customer_key: customerKey({ id }), external_id: id, email: null })),
      );
      expect(await q(`SELECT 1 FROM cross_sells`)).toHaveLength(0);
    });

    it('re-importing the same file changes nothing', async () => {
      const before = await fingerprint(pool);
      const r = await importOrders(pool, 'or', fixture('online-retail.csv'));
      expect(r).toMatchObject({ lines: 10, orders: 7, returns: 2, customers: 3, skipped: 4 });
      expect(await fingerprint(pool)).toEqual(before);
    });

    it('reads the gzip file streamed, with the same result, also when every order is its own batch', async () => {
      const gz = await importOrders(pool, 'or-gz', fixture('online-retail.csv.gz'));
      expect(gz).toMatchObject({ format: 'online-retail', lines: 10, orders: 7, returns: 2, customers: 3, skipped: 4 });
      const tiny = await importOrders(pool, 'or-b1', fixture('online-retail.csv'), { batchLines: 1 });
      expect(tiny).toMatchObject({ lines: 10, orders: 7, returns: 2, customers: 3, skipped: 4 });
      const content = (store: string) =>
        q(
          `SELECT o.order_id, o.customer_key, o.created_at, o.total::text, l.line_no, l.product_id, l.quantity, l.unit_price::text
           FROM orders o JOIN order_lines l USING (store, order_id) WHERE o.store = $1 ORDER BY 1, 5`,
          [store],
        );
      const plain = await content('or');
      expect(await content('or-gz')).toEqual(plain);
      expect(await content('or-b1')).toEqual(plain);
    });

    it('reports progress and runs the afterOrders hook once, with the pool and store', async () => {
      const seen: number[] = [];
      const hooks: string[] = [];
      await importOrders(pool, 'or-hook', fixture('online-retail.csv'), {
        onProgress: (p) => seen.push(p.lines),
        afterOrders: async (p, store) => {
          expect(p).toBe(pool);
          hooks.push(store);
          // The history is written when the hook runs.
          expect(
            (await p.query(`SELECT count(*)::int AS n FROM order_lines WHERE store = $1`, [store])).rows[0].n,
          ).toBe(10);
        },
      });
      expect(seen.at(-1)).toBe(10);
      expect(hooks).toEqual(['or-hook']);
    });

    it('feeds the eligibility figures: C-invoice lines count as returned units', async () => {
      const { rows } = await pool.query(
        `SELECT sum(CASE WHEN quantity > 0 THEN quantity ELSE 0 END)::int AS bought, sum(CASE WHEN quantity < 0 THEN -quantity ELSE 0 END)::int AS returned
         FROM orders o JOIN order_lines l USING (store, order_id) WHERE o.store = 'or' AND o.customer_key = $1`,
        [customerKey({ id: '17850' })],
      );
      expect(rows[0]).toEqual({ bought: 24, returned: 2 });
    });
  });

  describe('Shopify orders CSV', () => {
    it('imports orders keyed by email, refunds as returned quantities, a bad order reported', async () => {
      const r = await importOrders(pool, 'shop', fixture('shopify-orders.csv'));
      expect(r).toMatchObject({ format: 'shopify-orders', lines: 4, orders: 3, returns: 1, customers: 2, skipped: 1 });
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.line).toBe(6);
      expect(r.errors[0]!.error).toMatch(/Created at/);

      const ann = customerKey({ email: 'ann@example.com' });
      const bob = customerKey({ email: 'bob@example.com' });
      const orders = await q(
        `SELECT order_id, customer_key, currency, total::text, refunded_amount::text, created_at, from_history FROM orders WHERE store = 'shop' ORDER BY order_id`,
      );
      expect(orders.map((o) => [o.order_id, o.customer_key, o.total, o.refunded_amount])).toEqual([
        ['5001', ann, '438.98', '0.00'],
        ['5002', bob, '59.99', '59.99'],
        ['5003', ann, '69.99', '10.00'],
      ]);
      expect(orders[0].created_at.toISOString()).toBe('2024-03-01T15:15:00.000Z');
      expect(orders.every((o) => o.from_history)).toBe(true);
      const lines = await q(
        `SELECT order_id, line_no, product_id, sku, quantity, returned_quantity, returned_amount::text FROM order_lines WHERE store = 'shop' ORDER BY order_id, line_no`,
      );
      expect(lines).toEqual([
        {
          order_id: '5001',
          line_no: 1,
          product_id: 'CX-1',
          sku: 'CX-1',
          quantity: 1,
          returned_quantity: 0,
          returned_amount: '0.00',
        },
        {
          order_id: '5001',
          line_no: 2,
          product_id: 'HDMI-1',
          sku: 'HDMI-1',
          quantity: 2,
          returned_quantity: 0,
          returned_amount: '0.00',
        },
        {
          order_id: '5002',
          line_no: 1,
          product_id: 'GAME-1',
          sku: 'GAME-1',
          quantity: 1,
          returned_quantity: 1,
          returned_amount: '59.99',
        },
        {
          order_id: '5003',
          line_no: 1,
          product_id: 'Pro Controller - Black',
          sku: null,
          quantity: 1,
          returned_quantity: 0,
          returned_amount: '0.00',
        },
      ]);
      const customers = await q(`SELECT customer_key, email FROM customers WHERE store = 'shop' ORDER BY email`);
      expect(customers).toEqual(
        expect.arrayContaining([
          { customer_key: ann, email: 'ann@example.com' },
          { customer_key: bob, email: 'Bob@example.com' },
        ]),
      ); // normalised: domain lower-cased
      expect(await q(`SELECT 1 FROM cross_sells`)).toHaveLength(0);

      const before = await fingerprint(pool);
      await importOrders(pool, 'shop', fixture('shopify-orders.csv'));
      expect(await fingerprint(pool)).toEqual(before);
    });
  });

  describe('canonical JSON lines', () => {
    it('imports bare orders and order.created events; bad lines and repeated ids are reported', async () => {
      const r = await importOrders(pool, 'canon', fixture('orders.jsonl'));
      expect(r).toMatchObject({ format: 'canonical-jsonl', lines: 3, orders: 2, returns: 1, customers: 2, skipped: 3 });
      expect(r.errors.map((e) => e.line)).toEqual([3, 4, 6]);
      expect(r.errors[2]!.error).toMatch(/1001 appears again/);

      const orders = await q(
        `SELECT order_id, customer_key, currency, total::text, created_at FROM orders WHERE store = 'canon' ORDER BY order_id`,
      );
      expect(orders.map((o) => [o.order_id, o.customer_key, o.currency, o.total])).toEqual([
        ['1001', customerKey({ email: 'ann@example.com' }), 'USD', '438.98'],
        ['1002', customerKey({ id: 'C2' }), 'EUR', '179.97'],
      ]);
      expect(orders[1].created_at.toISOString()).toBe('2025-02-01T07:30:00.000Z');
      const lines = await q(
        `SELECT order_id, product_id, product_type, quantity, returned_quantity, returned_amount::text FROM order_lines WHERE store = 'canon' ORDER BY order_id, line_no`,
      );
      expect(lines).toEqual([
        {
          order_id: '1001',
          product_id: 'P1',
          product_type: 'Video Game Console',
          quantity: 1,
          returned_quantity: 0,
          returned_amount: '0.00',
        },
        {
          order_id: '1001',
          product_id: 'P3',
          product_type: null,
          quantity: 2,
          returned_quantity: 1,
          returned_amount: '19.99',
        },
        {
          order_id: '1002',
          product_id: 'P2',
          product_type: null,
          quantity: 3,
          returned_quantity: 0,
          returned_amount: '0.00',
        },
      ]);
      const ann = await q(`SELECT external_id, email FROM customers WHERE store = 'canon' AND customer_key = $1`, [
        customerKey({ email: 'ann@example.com' }),
      ]);
      expect(ann).toEqual([{ external_id: 'C1', email: 'ann@example.com' }]);

      const before = await fingerprint(pool);
      await importOrders(pool, 'canon', fixture('orders.jsonl'));
      expect(await fingerprint(pool)).toEqual(before);
    });

    it('never overwrites an order a webhook recorded, nor adds lines to it', async () => {
      await pool.query(
        `INSERT INTO orders (store, order_id, customer_key, created_at, currency, from_history) VALUES ('live', '1001', 'e-live', now(), 'USD', false)`,
      );
      await pool.query(
        `INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price) VALUES ('live', '1001', 1, 'LIVE', 'Live line', 1, 5)`,
      );
      await pool.query(`INSERT INTO cross_sells (store, order_id, status) VALUES ('live', '1001', 'scheduled')`);
      await importOrders(pool, 'live', fixture('orders.jsonl'));
      expect(
        await q(`SELECT customer_key, from_history FROM orders WHERE store = 'live' AND order_id = '1001'`),
      ).toEqual([{ customer_key: 'e-live', from_history: false }]);
      expect(await q(`SELECT product_id FROM order_lines WHERE store = 'live' AND order_id = '1001'`)).toEqual([
        { product_id: 'LIVE' },
      ]);
      expect(await q(`SELECT order_id, status FROM cross_sells WHERE store = 'live' ORDER BY order_id`)).toEqual([
        { order_id: '1001', status: 'scheduled' },
      ]);
      expect(await q(`SELECT from_history FROM orders WHERE store = 'live' AND order_id = '1002'`)).toEqual([
        { from_history: true },
      ]);
    });
  });

  it('a gzip file cut off mid-way fails the import; importing the whole file afterwards completes it', async () => {
    const text = await readFile(fixture('online-retail.csv'), 'utf8');
    const big =
      [
        text.trimEnd(),
        ...Array.from(
          { length: 3000 },
          (_, i) =>
            `6${String(i).padStart(5, '0')},22${i % 900},THING ${i},${1 + (i % 7)},2011-01-0${1 + (i % 9)} 10:00,1.25,${12000 + (i % 50)},France`,
        ),
      ].join('\n') + '\n';
    const gz = gzipSync(big);
    const dir = await tempDir();
    const whole = path.join(dir, 'whole.csv.gz');
    const cut = path.join(dir, 'cut.csv.gz');
    await writeFile(whole, gz);
    await writeFile(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
    await expect(importOrders(pool, 'cut', cut, { batchLines: 200 })).rejects.toThrow(/unexpected end of file/i);
    const r = await importOrders(pool, 'cut', whole, { batchLines: 200 });
    expect(r).toMatchObject({ lines: 3010, orders: 3007, customers: 53 });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS lines, count(DISTINCT order_id)::int AS orders FROM order_lines WHERE store = 'cut'`,
    );
    expect(rows[0]).toEqual({ lines: 3010, orders: 3007 });
  });

  it('refuses a file that is no known history, naming it', async () => {
    await expect(importOrders(pool, 'x', fixture('woocommerce-products.csv'))).rejects.toThrow(
      /not a known order history/,
    );
  });
});
