import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { importOrders } from '../../src/importer/import-orders.js';
const admin = 'postgres://postgres:postgres@127.0.0.1:5432/aftercart_test';
const name = 'imp_scratch_' + Date.now();
const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`CREATE DATABASE ${name}`); await c.end();
const pool = new pg.Pool({ connectionString: admin.replace(/\/[^/]*$/, '/' + name), max: 4 });
await migrate(pool);
for (let i = 0; i < 2; i++) {
  const r = await importOrders(pool, 'default', process.argv[2] ?? '/work/shared/data/online-retail/online-retail.csv.gz');
  console.log(JSON.stringify({ ...r, errors: r.errors.length }), Math.round((r.lines + r.skipped) / r.seconds), 'lines/s');
}
console.log((globalThis as any).__tm); console.log((await pool.query(`SELECT (SELECT count(*) FROM orders) o, (SELECT count(*) FROM order_lines) l, (SELECT count(*) FROM customers) c, (SELECT count(*) FROM cross_sells) x`)).rows);
await pool.end();
const d = new pg.Client({ connectionString: admin }); await d.connect(); await d.query(`DROP DATABASE ${name} WITH (FORCE)`); await d.end();
