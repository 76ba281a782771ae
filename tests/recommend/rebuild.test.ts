// Learned co-purchase through Postgres: the rebuild writes the store's neighbours, and the
// production picker offers them ("Often bought with …") after the declared complements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { migratedPool } from '../import/support.js';
import { missing } from '../support/services.js';
import { rebuildCoPurchase } from '../../src/recommend/rebuild.js';
import { PostgresItemPicker } from '../../src/recommend/pick-from-database.js';
import { parseConfig } from '../../src/config/load.js';

const STORE = 'learned';

describe.skipIf(missing('postgres'))('co-purchase learned from the store', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;

  const order = async (id: string, customer: string, products: string[]) => {
    await pool.query(
      `INSERT INTO orders (store, order_id, customer_key, created_at, currency) VALUES ($1, $2, $3, now() - interval '30 days', 'USD')`,
      [STORE, id, customer],
    );
    for (const [i, p] of products.entries()) {
      await pool.query(
        `INSERT INTO order_lines (store, order_id, line_no, product_id, title, product_type, quantity, unit_price) VALUES ($1, $2, $3, $4, $4, $4, 1, 10)`,
        [STORE, id, i + 1, p],
      );
    }
  };

  beforeAll(async () => {
    db = await migratedPool(4);
    pool = db.pool;
    for (const p of ['TENT', 'PEGS', 'LAMP', 'MUG', 'SOCKS']) {
      await pool.query(
        `INSERT INTO products (store, product_id, title, product_type, price, currency, url) VALUES ($1, $2, $2, $2, 10, 'USD', 'https://x/' || $2)`,
        [STORE, p],
      );
    }
    // Tents go with pegs (4 baskets) far more than with lamps (2); mugs and socks are unrelated.
    for (let i = 0; i < 4; i++) await order(`A${i}`, `c${i}`, ['TENT', 'PEGS']);
    for (let i = 0; i < 2; i++) await order(`B${i}`, `d${i}`, ['TENT', 'LAMP']);
    for (let i = 0; i < 3; i++) await order(`C${i}`, `e${i}`, ['MUG', 'SOCKS']);
  });
  afterAll(async () => db?.close());

  it('the rebuild writes support, confidence and lift per pair, replacing the old model', async () => {
    await pool.query(
      `INSERT INTO copurchase (store, product_id, neighbour, support, confidence, lift, score) VALUES ($1, 'TENT', 'SOCKS', 9, 1, 1, 1)`,
      [STORE],
    );
    const result = await rebuildCoPurchase(pool, STORE);
    expect(result.baskets).toBe(9);
    const { rows } = await pool.query(
      `SELECT neighbour, support, confidence, lift FROM copurchase WHERE store = $1 AND product_id = 'TENT' ORDER BY score DESC`,
      [STORE],
    );
    expect(rows.map((r) => [r.neighbour, r.support])).toEqual([
      ['PEGS', 4],
      ['LAMP', 2],
    ]);
    expect(rows[0].confidence).toBeCloseTo(4 / 6);
    expect(rows[0].lift).toBeCloseTo(4 / 9 / ((6 / 9) * (4 / 9)));
    expect((await pool.query(`SELECT rows FROM copurchase_builds WHERE store = $1`, [STORE])).rows[0].rows).toBe(
      result.rows,
    );
  });

  it("the picker offers what the store's customers bought together, best first, nothing unrelated", async () => {
    await rebuildCoPurchase(pool, STORE);
    const picker = new PostgresItemPicker(pool, () => parseConfig({}));
    const picked = await picker.pick({
      store: STORE,
      customerKey: 'new-customer',
      orderIds: ['N1'],
      limit: 3,
      lines: [{ orderId: 'N1', productId: 'TENT', title: 'TENT', productType: 'TENT', quantity: 1, unitPrice: '10' }],
    });
    expect(picked.items.map((i) => [i.productId, i.source])).toEqual([
      ['PEGS', 'copurchase'],
      ['LAMP', 'copurchase'],
    ]);
    expect(picked.items[0]).toMatchObject({
      reasonCode: 'often_bought_with',
      reason: 'Often bought with TENT',
      url: 'https://x/PEGS',
    });
  });

  it('a rebuild already running elsewhere is skipped, not repeated', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('copurchase:' || $1))`, [STORE]);
      // Skipped before reading or computing anything (every worker runs the same schedule).
      expect(await rebuildCoPurchase(pool, STORE)).toMatchObject({ baskets: 0, rows: 0 });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect((await rebuildCoPurchase(pool, STORE)).rows).toBeGreaterThan(0);
  });
});
