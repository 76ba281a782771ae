// Bench runs leave nothing behind. Left over, a run's stores would skew the next: their
// scheduled cross-sells are re-added to the queue by the reconciler of the next bench's
// `aftercart work`, which then spends its time scheduling them instead of sending.
import type pg from 'pg';
import { readFileSync } from 'node:fs';

const eraseStore = readFileSync(new URL('../src/ingest/sql/erase-store.sql', import.meta.url), 'utf8');

/** Every store named `bench-…` is the bench's own: erased with its deliveries, and the baseline's table emptied. */
export async function eraseBenchData(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ store: string }>(
    `SELECT store FROM (SELECT DISTINCT store FROM cross_sells UNION SELECT DISTINCT store FROM orders
                        UNION SELECT DISTINCT store FROM products) s
      WHERE store LIKE 'bench-%'`,
  );
  for (const { store } of rows) await pool.query(eraseStore, [store]);
  await pool.query(`DELETE FROM deliveries WHERE store LIKE 'bench-%'`);
  // erase-store.sql keeps a store's owning source; the bench's stores are never reused.
  await pool.query(`DELETE FROM store_sources WHERE store LIKE 'bench-%'`);
  await pool.query('DROP TABLE IF EXISTS bench_baseline');
  return rows.length;
}
