// Group commit: the deliveries that arrive together (each verified, mapped and decided on its
// own) are written in one transaction with one COMMIT, their order rows in one multi-row
// statement (record-orders.sql), then their new jobs go on the queue in one addBulk.
// Postgres stays the source of truth: nothing is queued before its commit, each job has its
// deterministic id, and a queue that is down is the reconciler's to catch up on.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { BatchStep, IncomingDelivery, PreparedOrder, Recorder, RecordOutcome } from './record.js';
import type { QueueBackend } from '../queue/cross-sell-queue.js';
import type { Reconciler } from '../queue/reconciler.js';
import { Batcher, type BatcherOptions, type ItemResult } from './batcher.js';
import { withTransaction } from '../db/transaction.js';
import { errorCode, isUniqueViolation, SqlState } from '../db/errors.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';
import { inRounds } from './rounds.js';

export interface GroupCommitDeps {
  pool: Pick<pg.Pool, 'connect'>;
  recorder: Pick<Recorder, 'record' | 'batchStep' | 'writeOrders'>;
  queue: Pick<QueueBackend, 'schedule' | 'scheduleFresh' | 'remove'>;
  reconciler: Pick<Reconciler, 'noteMissedEnqueue'>;
  log: Pick<Logger, 'warn'>;
  /** INGEST_BATCH_MS, INGEST_BATCH_MAX and INGEST_BATCH_CONCURRENCY. */
  batch: BatcherOptions;
}

/** One delivery's part of a batch: an order row, or a write of its own. */
type Step = Exclude<BatchStep, { done: unknown }>;
type Db = pg.PoolClient;

const DUPLICATE: RecordOutcome = { duplicate: true, schedule: [], unschedule: [] };

export class GroupCommit {
  private readonly batcher: Batcher<Step, RecordOutcome>;

  constructor(private readonly deps: GroupCommitDeps) {
    this.batcher = new Batcher((steps) => this.commit(steps), deps.batch);
  }

  /** Records the delivery (in a batch when it can be) and queues what it scheduled, after its commit. */
  async ingest(delivery: IncomingDelivery): Promise<RecordOutcome> {
    const step = await this.deps.recorder.batchStep(delivery);
    if (step && 'done' in step) return step.done;
    if (step) return this.batcher.submit(step);
    const outcome = await this.deps.recorder.record(delivery);
    await this.enqueue([outcome]);
    return outcome;
  }

  /** Answers every delivery waiting in a batch (at shutdown). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /**
   * One transaction for the batch. When it fails for anything but the database being out of
   * reach (a value one delivery carries, a bug), each delivery is written again on its own, so
   * only the failing ones are answered with their error; out of reach, every one is.
   */
  private async commit(steps: Step[]): Promise<ItemResult<RecordOutcome>[]> {
    let outcomes: RecordOutcome[];
    try {
      outcomes = await this.transaction(steps);
    } catch (err) {
      if (isDatabaseUnreachable(err)) throw err;
      if (steps.length > 1) return this.oneByOne(steps);
      // A concurrent twin claimed the same delivery first: a duplicate, as record() answers it.
      if (isUniqueViolation(err)) return [{ ok: true, value: DUPLICATE }];
      throw err;
    }
    await this.enqueue(outcomes);
    return outcomes.map((value) => ({ ok: true, value }));
  }

  /** Each step in a savepoint of one transaction: a failing one is rolled back alone. */
  private async oneByOne(steps: Step[]): Promise<ItemResult<RecordOutcome>[]> {
    const results = await withTransaction(this.deps.pool, async (client) => {
      const each: ItemResult<RecordOutcome>[] = [];
      for (const step of steps) {
        await client.query('SAVEPOINT step');
        try {
          const [value] = await this.write(client, [step]);
          await client.query('RELEASE SAVEPOINT step');
          each.push({ ok: true, value: value! });
        } catch (err) {
          if (isDatabaseUnreachable(err)) throw err;
          await client.query('ROLLBACK TO SAVEPOINT step');
          // A concurrent twin claimed the same delivery first: a duplicate, as record() answers it.
          each.push(isUniqueViolation(err) ? { ok: true, value: DUPLICATE } : { ok: false, error: err });
        }
      }
      return each;
    });
    await this.enqueue(results.flatMap((r) => (r.ok ? [r.value] : [])));
    return results;
  }

  /** The steps written in one transaction, tried once more if another batch's locks deadlocked it. */
  private async transaction(steps: Step[]): Promise<RecordOutcome[]> {
    try {
      return await withTransaction(this.deps.pool, (client) => this.write(client, steps));
    } catch (err) {
      if (!isRetryable(err)) throw err;
      return withTransaction(this.deps.pool, (client) => this.write(client, steps));
    }
  }

  /** The order rows a statement per round (each order, customer and delivery once in it), then the other writes. */
  private async write(client: Db, steps: Step[]): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = new Array(steps.length);
    const orders = steps.flatMap((s, i) => ('order' in s ? [{ i, order: s.order }] : []));
    for (const round of inRounds(orders, (o) => orderKeys(o.order))) {
      const written = await this.deps.recorder.writeOrders(
        client,
        round.map((o) => o.order),
      );
      round.forEach((o, k) => (outcomes[o.i] = written[k]!));
    }
    for (const [i, s] of steps.entries()) if ('write' in s) outcomes[i] = await s.write(client);
    return outcomes;
  }

  /** After the commit: one addBulk for the jobs created now, one call each for the rest. */
  private async enqueue(outcomes: RecordOutcome[]): Promise<void> {
    const schedule = outcomes.flatMap((o) => o.schedule);
    const missed = (err: unknown, ids: string[]) => {
      this.deps.reconciler.noteMissedEnqueue();
      this.deps.log.warn(
        { crossSellIds: ids, err: (err as Error).message },
        'queue unavailable: the reconciler will enqueue',
      );
    };
    const fresh = schedule.filter((s) => s.fresh);
    await this.deps.queue.scheduleFresh(fresh).catch((err: unknown) =>
      missed(
        err,
        fresh.map((s) => s.crossSellId),
      ),
    );
    for (const s of schedule.filter((x) => !x.fresh))
      await this.deps.queue.schedule(s.crossSellId, s.dueAt).catch((err: unknown) => missed(err, [s.crossSellId]));
    for (const id of outcomes.flatMap((o) => o.unschedule))
      await this.deps.queue.remove(id).catch(() => this.deps.reconciler.noteMissedEnqueue());
  }
}

/** What a row of record-orders.sql may name only once per statement. */
function orderKeys({ row }: PreparedOrder): string[] {
  const keys = [`d ${row.source} ${row.delivery_id}`, `o ${row.store} ${row.order_id}`];
  if (row.event_key !== null) keys.push(`e ${row.source} ${row.store} ${row.event_key}`);
  if (row.customer_key !== null) keys.push(`c ${row.store} ${row.customer_key}`);
  return keys;
}

function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return code === SqlState.deadlockDetected || code === SqlState.serializationFailure;
}
