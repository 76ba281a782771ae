// A fresh migrated Postgres database per suite, and a fingerprint of the tables an import
// writes (every column, updated_at and version included) to prove a re-import changes nothing.
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { freshDatabase } from '../support/services.js';

export const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

export async function migratedPool(max = 4): Promise<{ pool: pg.Pool; url: string; close(): Promise<void> }> {
  const db = await freshDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max });
  // pool.end() resolves before its sockets are closed; the forced DROP DATABASE then terminates
  // them, and an 'error' on a client the pool already let go of would be uncaught.
  pool.on('connect', (client) => client.on('error', () => {}));
  await migrate(pool);
  return {
    pool,
    url: db.url,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

const TABLES: Record<string, string> = {
  customers: 'store, customer_key',
  orders: 'store, order_id',
  order_lines: 'store, order_id, line_no',
  products: 'store, product_id',
  cross_sells: 'store, order_id',
};

/** Row count and a hash of every row, per table. */
export async function fingerprint(pool: pg.Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, key] of Object.entries(TABLES)) {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY ${key}), '')) AS h FROM ${table} t`,
    );
    out[table] = `${rows[0].n}:${rows[0].h}`;
  }
  return out;
}
