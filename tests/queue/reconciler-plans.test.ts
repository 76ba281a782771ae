// The reconciler's sweeps run every two seconds in every serving process, over a table holding
// every cross-sell the store ever had: each must find its few rows by an index, never by reading
// the whole table (expire-waiting did, until migration 0021).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/services.js';
import { migratedPool } from '../import/support.js';
import { sql } from '../../src/db/sql.js';

const base = new URL('../../src/queue/reconciler.ts', import.meta.url).href;
const SWEEPS = ['expire-waiting', 'fail-interrupted', 'release-expired-claims'];

describe.skipIf(missing('postgres'))('reconciler sweeps on a long history', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  beforeAll(async () => {
    db = await migratedPool(2);
    // 20,000 sent cross-sells and a handful waiting or sending, as a store a year in has.
    await db.pool.query(`
      INSERT INTO cross_sells (store, order_id, customer_key, status, sent_at)
      SELECT 'plans', 'O' || n, 'e-' || md5(n::text), 'sent', now() - make_interval(hours => n)
      FROM generate_series(1, 20000) n;
      INSERT INTO cross_sells (store, order_id, status) SELECT 'plans', 'W' || n, 'waiting' FROM generate_series(1, 5) n;
      INSERT INTO cross_sells (store, order_id, customer_key, status, lease_until)
      SELECT 'plans', 'S' || n, 'c' || n, 'sending', now() FROM generate_series(1, 5) n;
      ANALYZE cross_sells;`);
  });
  afterAll(async () => db?.close());

  it.each(SWEEPS)('%s reads a few pages, not the table or a whole index', async (name) => {
    const statement = sql(base, name).replace(/\$1::bigint/g, '60000::bigint');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement}`);
      const plan = rows[0]['QUERY PLAN'][0].Plan;
      // The table and each of its indexes are 100 pages or more: the sweep's own rows are a handful.
      expect(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']).toBeLessThan(40);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
