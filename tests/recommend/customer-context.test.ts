// customer_context() for a wholesaler (migrations/0025): history is the 100 newest products,
// read in index order, while owned and returned stay complete, so a product bought long ago
// (far outside the history) or only sent back is still never offered again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { migratedPool } from '../import/support.js';
import { missing } from '../support/services.js';
import { PostgresItemPicker } from '../../src/recommend/pick-from-database.js';
import { parseConfig } from '../../src/config/load.js';

const STORE = 'wholesale';
const CUSTOMER = 'c-wholesaler';
const OWNED = 300;
const BASE = Date.parse('2026-01-01T00:00:00Z');
// Two products a time, so the tie order (product id) counts too.
const boughtAt = (i: number) => new Date(BASE + Math.floor(i / 2) * 3_600_000).toISOString();
const owned = Array.from({ length: OWNED }, (_, i) => `W${i}`);

describe.skipIf(missing('postgres'))('the context of a customer owning hundreds of products', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await migratedPool(2);
    pool = db.pool;
    const catalog = [...owned, 'NEW', 'RET', 'FRESH', 'FRESH2'];
    await pool.query(
      `INSERT INTO products (store, product_id, title, price, currency, url)
       SELECT $1, p, p, 10, 'USD', 'https://x/' || p FROM unnest($2::text[]) p`,
      [STORE, catalog],
    );
    await pool.query(
      `INSERT INTO customer_products (store, customer_key, product_id, last_bought_at, last_order_id, returned)
       SELECT $1, $2, p, t, 'O-' || p, false FROM unnest($3::text[], $4::timestamptz[]) AS r(p, t)`,
      [STORE, CUSTOMER, owned, owned.map((_, i) => boughtAt(i))],
    );
    // This order's product (newest of all, left out of history) and one only ever sent back.
    await pool.query(
      `INSERT INTO customer_products (store, customer_key, product_id, last_bought_at, last_order_id, returned)
       VALUES ($1, $2, 'NEW', '2026-06-01', 'O-NEW', false), ($1, $2, 'RET', NULL, NULL, true)`,
      [STORE, CUSTOMER],
    );
    // The best neighbours are the oldest owned product and the returned one.
    const pairs: [string, string, number][] = [
      ['NEW', 'W0', 0.9],
      ['NEW', 'RET', 0.8],
      ['NEW', 'W150', 0.7],
      ['NEW', 'FRESH', 0.5],
      ['W250', 'W1', 0.95],
      ['W250', 'FRESH2', 0.4],
    ];
    for (const [a, b, score] of pairs) {
      await pool.query(
        `INSERT INTO copurchase (store, product_id, neighbour, support, confidence, lift, score) VALUES ($1, $2, $3, 2, 0.5, 1, $4)`,
        [STORE, a, b, score],
      );
    }
    await pool.query(`INSERT INTO copurchase_builds (store, built_at, rows) VALUES ($1, now(), $2)`, [
      STORE,
      pairs.length,
    ]);
  });
  afterAll(async () => db?.close());

  it('lists the 100 newest products bought before as history, newest first, ties by id, and every owned and returned one', async () => {
    const picker = new PostgresItemPicker(pool, () => parseConfig({}));
    const ctx = await picker.customerContext({ store: STORE, customerKey: CUSTOMER, orderIds: ['O-NEW'] });
    const expected = owned
      .map((id, i) => ({ id, at: Date.parse(boughtAt(i)) }))
      .sort((x, y) => y.at - x.at || (x.id < y.id ? -1 : 1))
      .slice(0, 100)
      .map((h) => h.id);
    expect(ctx.history.map(([id]) => id)).toEqual(expected);
    expect(ctx.history.map(([, at]) => Date.parse(at))).toEqual(
      expected.map((id) => Date.parse(boughtAt(owned.indexOf(id)))),
    );
    expect([...ctx.owned].sort()).toEqual([...owned, 'NEW'].sort());
    expect(ctx.returned).toEqual(['RET']);
  });

  it('never offers a product owned outside the history, or only returned', async () => {
    const picker = new PostgresItemPicker(pool, () => parseConfig({}));
    const picked = await picker.pick({
      store: STORE,
      customerKey: CUSTOMER,
      orderIds: ['O-NEW'],
      limit: 3,
      lines: [{ orderId: 'O-NEW', productId: 'NEW', title: 'NEW', productType: null, quantity: 1, unitPrice: '10' }],
    });
    expect(picked.items.map((i) => [i.productId, i.anchorProductId])).toEqual([
      ['FRESH', 'NEW'],
      ['FRESH2', 'W250'],
    ]);
  });
});
