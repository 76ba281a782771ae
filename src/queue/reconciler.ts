// Postgres is the record; the queue only carries timing. The reconciler puts back what the
// queue lost or never got (Redis down during a webhook, a crash between commit and add, a job
// whose attempts ran out while Postgres was down: schedule() replaces a finished job),
// gives up on waits that outlived `expireAfter`, fails sends interrupted mid-SMTP, and drops
// what would grow without bound (raw payloads, old delivery ids) past their retention.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { QueueBackend } from './cross-sell-queue.js';
import { sql } from '../db/sql.js';

const q = {
  dropOldPayloads: sql(import.meta.url, 'drop-old-payloads'),
  expireWaiting: sql(import.meta.url, 'expire-waiting'),
  failInterrupted: sql(import.meta.url, 'fail-interrupted'),
  releaseExpiredClaims: sql(import.meta.url, 'release-expired-claims'),
  scheduledPage: sql(import.meta.url, 'scheduled-page'),
  newestCrossSell: sql(import.meta.url, 'newest-cross-sell'),
};

/** How often overdue rows are checked against the queue when nothing was missed. */
const OVERDUE_CHECK_MS = 30_000;
/** How long past its due time a scheduled row counts as lost by the queue. */
const OVERDUE_AFTER_MS = 60_000;

export interface ReconcilerOptions {
  pool: pg.Pool;
  queue: QueueBackend;
  log: Logger;
  expireAfterMs: () => number;
  /** ingest.payloadRetention: raw payloads older than this are dropped. */
  payloadRetentionMs?: () => number;
  /** ingest.deliveryRetention: delivery rows (redelivery ids) older than this are deleted. */
  deliveryRetentionMs?: () => number;
  intervalMs?: number;
  /**
   * A send whose SMTP DATA began this long ago without an outcome was interrupted (a live worker
   * has its answer within the mailer's 10 s socket timeout); a claim whose lease ran out this
   * long ago without DATA goes back to 'scheduled' if its stalled job did not take it back.
   */
  sendingTimeoutMs?: number;
  /** A scheduled row this long overdue is re-added (its job was lost); a minute by default. */
  overdueAfterMs?: number;
  /** How often overdue rows are looked for when nothing was missed; 30 s by default. */
  overdueCheckMs?: number;
}

export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running = false;
  /** Set when an enqueue failed here: the next pass re-adds every scheduled cross-sell. */
  private missed = true;
  private lastPayloadSweep = 0;
  private lastOverdueCheck = 0;

  constructor(private readonly opts: ReconcilerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.opts.intervalMs ?? 2_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  noteMissedEnqueue(): void {
    this.missed = true;
  }

  /** Drops raw payloads older than ingest.payloadRetention; returns how many. */
  async sweepPayloads(): Promise<number> {
    if (!this.opts.payloadRetentionMs) return 0;
    this.lastPayloadSweep = Date.now();
    const res = await this.opts.pool.query(q.dropOldPayloads, [this.opts.payloadRetentionMs()]);
    return res.rowCount ?? 0;
  }

  /**
   * Deletes deliveries older than ingest.deliveryRetention, a batch at a time so a first sweep
   * over a large backlog holds no long lock; returns how many. A redelivery of one is then new
   * again, which changes nothing: orders, refunds and cross-sells are unique by their own ids.
   */
  async sweepDeliveries(batch = 5_000): Promise<number> {
    if (!this.opts.deliveryRetentionMs) return 0;
    let deleted = 0;
    for (;;) {
      const res = await this.opts.pool.query(
        `DELETE FROM deliveries WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM deliveries WHERE received_at < now() - make_interval(secs => $1::bigint / 1000) LIMIT $2))`,
        [this.opts.deliveryRetentionMs(), batch],
      );
      deleted += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < batch) return deleted;
    }
  }

  /** One sweep; returns how many jobs it (re-)added. */
  async pass(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const { pool, queue } = this.opts;
      const sendingTimeoutMs = this.opts.sendingTimeoutMs ?? 60_000;
      await pool.query(q.expireWaiting, [this.opts.expireAfterMs()]);
      // A worker died mid-DATA: failed, never sent again. One that died before DATA: scheduled again.
      await pool.query(q.failInterrupted, [sendingTimeoutMs]);
      await pool.query(q.releaseExpiredClaims, [sendingTimeoutMs]);
      // Raw payloads are kept only for the configured retention (every few minutes is enough).
      if (Date.now() - this.lastPayloadSweep > 5 * 60_000) {
        await this.sweepPayloads();
        await this.sweepDeliveries();
      }
      if (!(await queue.ping())) return 0;
      const full = this.missed;
      // Overdue rows are looked up in the queue: while workers work through a backlog that is every
      // row of it, so without a miss this runs every OVERDUE_CHECK_MS, not each pass.
      if (!full && Date.now() - this.lastOverdueCheck < (this.opts.overdueCheckMs ?? OVERDUE_CHECK_MS)) return 0;
      this.lastOverdueCheck = Date.now();
      this.missed = false;
      const added = await this.reAdd(full);
      if (added > 0) this.opts.log.info({ added, full }, 'reconciler re-added cross-sell jobs');
      return added;
    } catch (err) {
      this.missed = true;
      this.opts.log.warn({ err: (err as Error).message }, 'reconciler pass failed');
      return 0;
    } finally {
      this.running = false;
    }
  }

  /** Puts the jobs of scheduled rows back on the queue: every one (`full`), or the overdue ones. */
  private async reAdd(full: boolean): Promise<number> {
    const { pool, queue } = this.opts;
    const overdueMs = this.opts.overdueAfterMs ?? OVERDUE_AFTER_MS;
    let added = 0;
    let after = '0';
    const upTo = (await pool.query<{ id: string }>(q.newestCrossSell)).rows[0]!.id;
    for (;;) {
      const { rows } = await pool.query<{ id: string; due_at: Date }>(q.scheduledPage, [after, full, upTo, overdueMs]);
      if (rows.length === 0) return added;
      added += await queue.scheduleMany(rows.map((r) => ({ crossSellId: String(r.id), dueAt: r.due_at })));
      after = String(rows[rows.length - 1]!.id);
    }
  }
}
