// The two things an operator does to one cross-sell: send it now, or cancel it. Postgres is
// the record, so the row changes first; then the queue follows (a lost queue update is put
// right by the reconciler, which re-adds scheduled rows from their due_at).
import type pg from 'pg';
import { z } from 'zod';
import { jobIdFor, type QueueBackend } from '../../queue/cross-sell-queue.js';
import { sql } from '../../db/sql.js';

const queries = {
  sendNow: sql(import.meta.url, 'send-now'),
  cancel: sql(import.meta.url, 'cancel'),
  state: sql(import.meta.url, 'cross-sell-state'),
};

export type ActionResult =
  | { ok: true; id: string; store: string; orderId: string; status: string; dueAt?: string; reason?: string }
  | { ok: false; code: 404 | 409; error: string; id: string; store?: string; orderId?: string; status?: string };

const MAX_BIGINT = 2n ** 63n - 1n;
/** The `:id` of an action: bigserial ids only (1 to 2^63-1), else 400 before touching the database. */
export const crossSellIdParams = z.object({
  id: z.string().refine((id) => /^[1-9]\d{0,18}$/.test(id) && BigInt(id) <= MAX_BIGINT, 'invalid cross-sell id'),
});

export async function sendNow(pool: pg.Pool, queue: QueueBackend, id: string): Promise<ActionResult> {
  const { rows } = await pool.query(queries.sendNow, [id]);
  const row = rows[0];
  if (!row) return refusal(pool, id, 'only a scheduled cross-sell can be sent now');
  // Re-time the existing job here: `queue.add` with a known job id leaves the stored job as it
  // is (and hands back the new options), so schedule() alone would not move a delayed job. A
  // job left failed or completed under this id would make the add a no-op: clear it first.
  const job = await queue.queue.getJob(jobIdFor(id));
  if (job) {
    const state = await job.getState();
    if (state === 'delayed')
      await job.promote().catch(() => {}); // raced to waiting: fine
    else if (state === 'failed' || state === 'completed') await job.remove().catch(() => {});
  }
  // Adds the job when the queue has none (lost, or just cleared) and wakes embedded workers.
  await queue.schedule(id, new Date());
  return {
    ok: true,
    id: row.id,
    store: row.store,
    orderId: row.orderId,
    status: row.status,
    dueAt: new Date(row.dueAt).toISOString(),
  };
}

export async function cancelCrossSell(pool: pg.Pool, queue: QueueBackend, id: string): Promise<ActionResult> {
  const { rows } = await pool.query(queries.cancel, [id]);
  const row = rows[0];
  if (!row) return refusal(pool, id, 'only a waiting or scheduled cross-sell can be cancelled');
  // An active job is left alone: the worker re-reads the row and finds it cancelled.
  await queue.remove(id);
  return { ok: true, id: row.id, store: row.store, orderId: row.orderId, status: row.status, reason: row.reason };
}

async function refusal(pool: pg.Pool, id: string, error: string): Promise<ActionResult> {
  const { rows } = await pool.query(queries.state, [id]);
  const row = rows[0];
  if (!row) return { ok: false, code: 404, error: 'no such cross-sell', id };
  return {
    ok: false,
    code: 409,
    error: `${error} (it is ${row.status})`,
    id,
    store: row.store,
    orderId: row.orderId,
    status: row.status,
  };
}
