// One transaction on one pooled client: committed when `work` returns, rolled back when it
// throws. A transaction that wrote nothing (a duplicate, a lock held elsewhere) just commits.
import type pg from 'pg';

export async function withTransaction<T>(pool: Pick<pg.Pool, 'connect'>, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
