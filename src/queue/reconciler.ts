// Postgres is the record; the queue only carries timing. The reconciler puts back what the
// queue lost or never got (Redis down during a webhook, a crash between commit and add, a job
// whose attempts ran out while Postgres was down: schedule() replaces a finished job),
// gives up on waits that outlived `expireAfter`, fails sends interrupted mid-SMTP, and drops
// what would grow without bound (raw payloads, old delivery ids) past their retention.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { QueueBackend } from './cross-sell-queue.js';

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
}

export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running = false;
  /** Set when an enqueue failed here: the next pass re-adds every scheduled cross-sell. */
  private missed = true;
  private lastPayloadSweep = 0;

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
    const res = await this.opts.pool.query(
      `UPDATE deliveries SET payload = NULL WHERE payload IS NOT NULL AND received_at < now() - make_interval(secs => $1::bigint / 1000)`,
      [this.opts.payloadRetentionMs()],
    );
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
      await pool.query(
        `UPDATE cross_sells SET status = 'skipped', reason = 'expired', updated_at = now()
          WHERE status = 'waiting' AND created_at < now() - make_interval(secs => $1::bigint / 1000)`,
        [this.opts.expireAfterMs()],
      );
      // The worker died mid-DATA: the message may have gone out, so it is never sent again (no
      // lease: claimed by an older worker, which left no mark of its DATA).
      await pool.query(
        `UPDATE cross_sells SET status = 'failed', reason = 'interrupted', updated_at = now()
          WHERE status = 'sending' AND (data_started_at IS NOT NULL OR lease_until IS NULL)
            AND coalesce(data_started_at, updated_at) < now() - make_interval(secs => $1::bigint / 1000)`,
        [this.opts.sendingTimeoutMs ?? 60_000],
      );
      // It died before DATA: nothing reached SMTP; the re-add below sends it if no job is left.
      await pool.query(
        `UPDATE cross_sells SET status = 'scheduled', updated_at = now()
          WHERE status = 'sending' AND data_started_at IS NULL AND lease_until < now() - make_interval(secs => $1::bigint / 1000)`,
        [this.opts.sendingTimeoutMs ?? 60_000],
      );
      // Raw payloads are kept only for the configured retention (every few minutes is enough).
      if (Date.now() - this.lastPayloadSweep > 5 * 60_000) {
        await this.sweepPayloads();
        await this.sweepDeliveries();
      }
      if (!(await queue.ping())) return 0;
      const full = this.missed;
      this.missed = false;
      let added = 0;
      let after = '0';
      for (;;) {
        // A full pass after a miss; otherwise only rows a minute overdue (their job should have
        // run by now; a backlog the workers are still working through is not re-added).
        const { rows } = await pool.query<{ id: string; due_at: Date }>(
          `SELECT id, due_at FROM cross_sells
            WHERE status = 'scheduled' AND id > $1 AND ($2::boolean OR due_at < now() - interval '1 minute')
            ORDER BY id LIMIT 500`,
          [after, full],
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          await queue.schedule(String(row.id), row.due_at);
          added++;
        }
        after = String(rows[rows.length - 1]!.id);
      }
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
}
