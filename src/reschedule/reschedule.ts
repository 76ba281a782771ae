// After a config change: recompute the timing of every pending cross-sell under the current
// config, report old → new, and (when applying) store the new decision and re-time its job.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import { decideOrderTiming, recordedFacts, type TimingVerdict } from '../timing/order-timing.js';
import type { TimingConfig } from '../config/schema.js';
import type { QueueBackend } from '../queue/cross-sell-queue.js';
import type { LearnedDelays } from '../timing/learned-delays.js';

const pendingSql = sql(import.meta.url, 'pending-cross-sells');

export interface Change {
  id: string;
  store: string;
  orderId: string;
  from: { status: string; dueAt: string | null };
  to: { status: string; dueAt: string | null; reason: string | null };
}

export async function reschedule(opts: {
  pool: pg.Pool;
  /** The timing settings, or each store's (config `stores`). */
  timing: TimingConfig | ((store: string) => TimingConfig);
  /** Only this store's pending cross-sells. */
  store?: string;
  now: Date;
  apply: boolean;
  queue?: QueueBackend;
  learned?: (store: string) => Promise<LearnedDelays | undefined>;
}): Promise<{ pending: number; changes: Change[] }> {
  const all = (await opts.pool.query(pendingSql)).rows;
  const rows = opts.store === undefined ? all : all.filter((r) => r.store === opts.store);
  const timingOf = typeof opts.timing === 'function' ? opts.timing : () => opts.timing as TimingConfig;
  const changes: Change[] = [];
  for (const r of rows) {
    const learned = opts.learned ? await opts.learned(r.store) : undefined;
    const verdict: TimingVerdict = decideOrderTiming(
      { ...recordedFacts(r, r.lines ?? [], opts.now), learned },
      timingOf(r.store),
      opts.now,
    );
    const oldDue = r.dueAt ? new Date(r.dueAt).toISOString() : null;
    const newDue = verdict.dueAt ? verdict.dueAt.toISOString() : null;
    if (verdict.status === r.status && newDue === oldDue) continue;
    const change: Change = {
      id: String(r.id),
      store: r.store,
      orderId: r.orderId,
      from: { status: r.status, dueAt: oldDue },
      to: { status: verdict.status, dueAt: newDue, reason: verdict.reason },
    };
    changes.push(change);
    if (!opts.apply) continue;
    const updated = await opts.pool.query(
      `UPDATE cross_sells SET status = $2, reason = $3, due_at = $4, timing = $5, updated_at = now()
        WHERE id = $1 AND status IN ('waiting', 'scheduled') RETURNING id`,
      [r.id, verdict.status, verdict.reason, verdict.dueAt, JSON.stringify(verdict.timing)],
    );
    if (updated.rowCount === 0 || !opts.queue) continue;
    if (verdict.status === 'scheduled' && verdict.dueAt) await opts.queue.schedule(String(r.id), verdict.dueAt);
    else await opts.queue.remove(String(r.id));
  }
  return { pending: rows.length, changes };
}
