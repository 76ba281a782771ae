import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
const admin = 'postgres://postgres:postgres@127.0.0.1:5432/aftercart_test';
const name = 'imp_micro_' + Date.now();
const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`CREATE DATABASE ${name}`); await c.end();
const pool = new pg.Pool({ connectionString: admin.replace(/\/[^/]*$/, '/' + name), max: 4 });
await migrate(pool);
const N = 4000;
const mk = (b: number) => {
  const o: string[] = [], n: number[] = [], p: string[] = [], t: string[] = [], q: number[] = [], u: string[] = [];
  for (let i = 0; i < N; i++) { o.push(`B${b}-${Math.floor(i / 20)}`); n.push(i % 20 + 1); p.push('85123A'); t.push('WHITE HANGING HEART T-LIGHT HOLDER'); q.push(6); u.push('2.55'); }
  return { o, n, p, t, q, u };
};
await pool.query(`INSERT INTO orders (store, order_id, from_history) SELECT 's', 'B' || b || '-' || i, true FROM generate_series(0, 200) b, generate_series(0, 200) i`);
const variants: Record<string, string> = {
  cte_update: `WITH h AS MATERIALIZED (SELECT order_id FROM orders WHERE store = 's' AND order_id = ANY($7::text[]) AND from_history)
    INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price)
    SELECT 's', l.o, l.n, l.p, l.t, l.q, l.u FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[]) AS l(o, n, p, t, q, u)
    WHERE l.o IN (SELECT order_id FROM h)
    ON CONFLICT (store, order_id, line_no) DO UPDATE SET returned_quantity = excluded.returned_quantity WHERE order_lines.returned_quantity < excluded.returned_quantity`,
  nojoin_update: `INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price)
    SELECT 's', l.o, l.n, l.p, l.t, l.q, l.u FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[]) AS l(o, n, p, t, q, u)
    ON CONFLICT (store, order_id, line_no) DO UPDATE SET returned_quantity = excluded.returned_quantity WHERE order_lines.returned_quantity < excluded.returned_quantity`,
  join_update: `INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price)
    SELECT 's', l.o, l.n, l.p, l.t, l.q, l.u FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[]) AS l(o, n, p, t, q, u)
    JOIN orders h ON h.store = 's' AND h.order_id = l.o AND h.from_history
    ON CONFLICT (store, order_id, line_no) DO UPDATE SET returned_quantity = excluded.returned_quantity WHERE order_lines.returned_quantity < excluded.returned_quantity`,
  nojoin_nothing: `INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price)
    SELECT 's', l.o, l.n, l.p, l.t, l.q, l.u FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[]) AS l(o, n, p, t, q, u)
    ON CONFLICT DO NOTHING`,
  plain: `INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price)
    SELECT 's', l.o, l.n, l.p, l.t, l.q, l.u FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[]) AS l(o, n, p, t, q, u)`,
};
let b = 0;
for (const [k, sql] of Object.entries(variants)) {
  let tot = 0;
  for (let r = 0; r < 20; r++) {
    const d = mk(b++);
    const t0 = performance.now();
    await pool.query(sql, sql.includes('$7') ? [d.o, d.n, d.p, d.t, d.q, d.u, [...new Set(d.o)]] : [d.o, d.n, d.p, d.t, d.q, d.u]);
    tot += performance.now() - t0;
  }
  console.log(k, (tot / 20).toFixed(1), 'ms per 4000');
}
const d = mk(999); const t0 = performance.now();
for (let r = 0; r < 20; r++) (pg as any).types; 
const { prepareValue } = await import('pg/lib/utils.js' as any);
const t1 = performance.now(); for (let r = 0; r < 20; r++) [d.o, d.n, d.p, d.t, d.q, d.u].map((a) => prepareValue(a)); console.log('serialize', ((performance.now() - t1) / 20).toFixed(1));
await pool.end();
const e = new pg.Client({ connectionString: admin }); await e.connect(); await e.query(`DROP DATABASE ${name} WITH (FORCE)`); await e.end();
