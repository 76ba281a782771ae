// The in-memory catalog item selection reads, against real Postgres: every write to products
// takes the store's next version (once per transaction, in commit order), and the copy loads
// what changed since its version, or everything after a deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { migratedPool } from '../import/support.js';
import { missing } from '../support/services.js';
import { CatalogCache, type CatalogStamp } from '../../src/recommend/catalog-cache.js';
import { PostgresItemPicker } from '../../src/recommend/pick-from-database.js';
import { parseConfig } from '../../src/config/load.js';

describe.skipIf(missing('postgres'))('the catalog copy item selection keeps', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;
  const product = (store: string, id: string, extra = '') =>
    pool.query(
      `INSERT INTO products (store, product_id, title, product_type, price, currency) VALUES ($1, $2, $2, 'Thing', 10, 'EUR')
                ON CONFLICT (store, product_id) DO ${extra || 'NOTHING'}`,
      [store, id],
    );
  const stamp = async (store: string): Promise<CatalogStamp | null> =>
    (await pool.query(`SELECT epoch::int, version::int FROM catalog_versions WHERE store = $1`, [store])).rows[0] ??
    null;

  beforeAll(async () => {
    db = await migratedPool(4);
    pool = db.pool;
  });
  afterAll(async () => db?.close());

  it('each transaction writing products takes the next version once, and stamps its rows with it', async () => {
    await product('v1', 'A');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const id of ['B', 'C', 'D'])
        await client.query(`INSERT INTO products (store, product_id, title) VALUES ('v1', $1, $1)`, [id]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const { rows } = await pool.query(
      `SELECT product_id, version::int FROM products WHERE store = 'v1' ORDER BY product_id`,
    );
    expect(rows).toEqual([
      { product_id: 'A', version: 1 },
      { product_id: 'B', version: 2 },
      { product_id: 'C', version: 2 },
      { product_id: 'D', version: 2 },
    ]);
    expect(await stamp('v1')).toEqual({ epoch: 0, version: 2 });
  });

  it('a second writer waits until the first commits, so versions commit in order', async () => {
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('BEGIN');
      await first.query(`INSERT INTO products (store, product_id, title) VALUES ('v2', 'A', 'A')`);
      let secondDone = false;
      const write = second
        .query(`INSERT INTO products (store, product_id, title) VALUES ('v2', 'B', 'B')`)
        .then(() => (secondDone = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(secondDone).toBe(false);
      await first.query('COMMIT');
      await write;
      const { rows } = await pool.query(
        `SELECT product_id, version::int FROM products WHERE store = 'v2' ORDER BY product_id`,
      );
      expect(rows.map((r) => r.version)).toEqual([1, 2]);
    } finally {
      first.release();
      second.release();
    }
  });

  it('loads what changed since its version, and everything again after a deletion', async () => {
    const cache = new CatalogCache(pool);
    await product('v3', 'A');
    await product('v3', 'B');
    let catalog = await cache.at('v3', await stamp('v3'));
    expect(['A', 'B', 'C'].map((id) => catalog.get(id)?.id)).toEqual(['A', 'B', undefined]);
    await product('v3', 'C');
    await product('v3', 'A', `UPDATE SET available = false, product_type = 'Other'`);
    catalog = await cache.at('v3', await stamp('v3'));
    expect(catalog.get('C')?.id).toBe('C');
    expect(catalog.get('A')?.available).toBe(false);
    expect(
      catalog
        .ofType('thing')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['B', 'C']);
    expect(catalog.ofType('OTHER').map((p) => p.id)).toEqual(['A']);
    await pool.query(`DELETE FROM products WHERE store = 'v3' AND product_id = 'B'`);
    catalog = await cache.at('v3', await stamp('v3'));
    expect(catalog.get('B')).toBeUndefined();
    expect(catalog.get('C')?.id).toBe('C');
  });

  it('a write that changed no row moves the version without rows, and the copy still catches up', async () => {
    const cache = new CatalogCache(pool);
    await product('v4', 'A');
    await cache.at('v4', await stamp('v4'));
    await product('v4', 'A'); // ON CONFLICT DO NOTHING: the version is taken, no row carries it
    const now = await stamp('v4');
    expect(now?.version).toBe(2);
    const catalog = await Promise.race([
      cache.at('v4', now),
      new Promise<null>((r) => setTimeout(() => r(null), 2_000)),
    ]);
    expect(catalog?.get('A')?.id).toBe('A');
  });

  it('the picker offers a product added after its first pick, and stops offering one gone out of stock', async () => {
    await pool.query(`INSERT INTO products (store, product_id, title, product_type, complements) VALUES
      ('v5', 'TENT', 'Tent', 'Tent', '[{"id": "PEGS"}, {"id": "LAMP"}]'), ('v5', 'PEGS', 'Pegs', 'Pegs', '[]')`);
    const picker = new PostgresItemPicker(pool, () => parseConfig({}));
    const pick = async () =>
      (
        await picker.pick({
          store: 'v5',
          customerKey: 'c1',
          orderIds: ['O1'],
          limit: 3,
          lines: [
            { orderId: 'O1', productId: 'TENT', title: 'Tent', productType: 'Tent', quantity: 1, unitPrice: '100' },
          ],
        })
      ).items.map((i) => i.productId);
    expect(await pick()).toEqual(['PEGS']);
    await pool.query(
      `INSERT INTO products (store, product_id, title, product_type) VALUES ('v5', 'LAMP', 'Lamp', 'Lamp')`,
    );
    expect(await pick()).toEqual(['PEGS', 'LAMP']);
    await pool.query(`UPDATE products SET available = false WHERE store = 'v5' AND product_id = 'PEGS'`);
    expect(await pick()).toEqual(['LAMP']);
  });
});
