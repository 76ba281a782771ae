// One transaction on one pooled client: committed when `work` returns, rolled back when it
// throws. A transaction that wrote nothing (a duplicate, a lock held elsewhere) just commits.
import type pg from 'pg';
import { isReadTimeout } from './unreachable.js';

export async function withTransaction<T>(
  pool: Pick<pg.Pool, 'connect'>,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // After a read timeout a ROLLBACK would wait as long again: the connection is dropped instead
    // (the server rolls back a closed session), as is one whose ROLLBACK failed.
    broken =
      isReadTimeout(err) ||
      !(await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
    throw err;
  } finally {
    client.release(broken);
  }
}
