// Recommend: the full Online Retail history imported into real Postgres, the co-purchase
// rebuild timed, then item selection (the production picker: the context query + the pure pick)
// for a sample of real orders with their customer's whole history, each half timed apart too.
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { importOrders } from '../src/import/import-orders.js';
import { rebuildCoPurchase } from '../src/recommend/rebuild.js';
import { PostgresItemPicker } from '../src/recommend/pick-from-database.js';
import { parseConfig } from '../src/config/load.js';
import { round } from './load.js';

const HISTORY = new URL('../../shared/data/online-retail/online-retail.csv.gz', import.meta.url).pathname;
const STORE = 'bench-online-retail';

export async function benchRecommend(env: { DATABASE_URL: string }, opts: { picks: number } = { picks: 2_000 }) {
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  try {
    await migrate(pool);
    const imported = await importOrders(pool, STORE, HISTORY, {});
    // A real store has every product it sold in its catalog; Online Retail has no catalog file,
    // so its lines give one (title, latest price), or every pick would end at "unknown".
    await pool.query(
      `INSERT INTO products (store, product_id, title, price, currency, url, available)
       SELECT DISTINCT ON (product_id) store, product_id, title, unit_price, 'GBP', 'https://shop.example/p/' || product_id, true
         FROM order_lines WHERE store = $1 AND quantity > 0 AND unit_price > 0
        ORDER BY product_id, order_id DESC
       ON CONFLICT (store, product_id) DO NOTHING`,
      [STORE],
    );
    await pool.query('ANALYZE products');
    const rebuild = await rebuildCoPurchase(pool, STORE);
    // A rebuild replaces ~150,000 rows and the import writes many more: the autovacuum they
    // trigger would otherwise run during the picks below and time itself, not item selection.
    await pool.query('VACUUM (ANALYZE) copurchase, customer_products, orders, order_lines, products');
    const { rows: orders } = await pool.query(
      `SELECT o.order_id, o.customer_key FROM orders o WHERE o.store = $1 AND o.customer_key IS NOT NULL
        AND EXISTS (SELECT 1 FROM order_lines l WHERE l.store = o.store AND l.order_id = o.order_id AND l.quantity > 0)
        ORDER BY md5(o.order_id) LIMIT $2`,
      [STORE, opts.picks],
    );
    const picker = new PostgresItemPicker(pool, () => parseConfig({}));
    // The total, and its two halves: the context query and the in-memory pick given it.
    const times = { total: [] as number[], query: [] as number[], pick: [] as number[] };
    let withItems = 0;
    for (const o of orders) {
      const { rows: lines } = await pool.query(
        `SELECT order_id AS "orderId", product_id AS "productId", title, product_type AS "productType", quantity, unit_price::text AS "unitPrice"
           FROM order_lines WHERE store = $1 AND order_id = $2`,
        [STORE, o.order_id],
      );
      const req = { store: STORE, customerKey: o.customer_key, orderIds: [o.order_id], lines, limit: 3 };
      const t0 = performance.now();
      const context = await picker.customerContext(req);
      const t1 = performance.now();
      const picked = await picker.pick({ ...req, context });
      const t2 = performance.now();
      times.total.push(t2 - t0);
      times.query.push(t1 - t0);
      times.pick.push(t2 - t1);
      if (picked.items.length > 0) withItems++;
    }
    const [total, query, pick] = [times.total, times.query, times.pick].map(percentiles);
    return {
      p50Ms: total.p50,
      p99Ms: total.p99,
      queryP50Ms: query.p50,
      queryP99Ms: query.p99,
      pickP50Ms: pick.p50,
      pickP99Ms: pick.p99,
      picks: times.total.length,
      picksWithItems: withItems,
      rebuildSeconds: rebuild.seconds,
      copurchaseRows: rebuild.rows,
      historyLines: imported.lines,
      importSeconds: imported.seconds,
      importLinesPerSec: Math.round(imported.lines / imported.seconds),
    };
  } finally {
    await pool.end();
  }
}

function percentiles(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!, 3);
  return { p50: pct(0.5), p99: pct(0.99) };
}
