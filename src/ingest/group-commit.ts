// Group commit: the deliveries that arrive together (each verified and mapped on its own) are
// written in one transaction with one COMMIT, then their new jobs go on the queue in one addBulk.
// Postgres stays the source of truth: nothing is queued before its commit, each job has its
// deterministic id, and a queue that is down is the reconciler's to catch up on.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { BatchStep, IncomingDelivery, Recorder, RecordOutcome } from './record.js';
import type { QueueBackend } from '../queue/cross-sell-queue.js';
import type { Reconciler } from '../queue/reconciler.js';
import { Batcher, type BatcherOptions, type ItemResult } from './batcher.js';
import { withTransaction } from '../db/transaction.js';
import { errorCode, isUniqueViolation, SqlState } from '../db/errors.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';

export interface GroupCommitDeps {
  pool: Pick<pg.Pool, 'connect'>;
  recorder: Pick<Recorder, 'record' | 'batchStep'>;
  queue: Pick<QueueBackend, 'schedule' | 'scheduleFresh' | 'remove'>;
  reconciler: Pick<Reconciler, 'noteMissedEnqueue'>;
  log: Pick<Logger, 'warn'>;
  /** INGEST_BATCH_MS and INGEST_BATCH_MAX. */
  batch: BatcherOptions;
}

type Write = Extract<BatchStep, { write: unknown }>['write'];

/** One delivery of a batch failed: it alone is answered with `cause`. */
class StepFailure extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super('a delivery of the batch failed');
  }
}

const DUPLICATE: RecordOutcome = { duplicate: true, schedule: [], unschedule: [] };

export class GroupCommit {
  private readonly batcher: Batcher<Write, RecordOutcome>;

  constructor(private readonly deps: GroupCommitDeps) {
    this.batcher = new Batcher((writes) => this.commit(writes), deps.batch);
  }

  /** Records the delivery (in a batch when it can be) and queues what it scheduled, after its commit. */
  async ingest(delivery: IncomingDelivery): Promise<RecordOutcome> {
    const step = await this.deps.recorder.batchStep(delivery);
    if (step && 'done' in step) return step.done;
    if (step) return this.batcher.submit(step.write);
    const outcome = await this.deps.recorder.record(delivery);
    await this.enqueue([outcome]);
    return outcome;
  }

  /** Answers every delivery waiting in a batch (at shutdown). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /**
   * One transaction for the batch. A delivery whose write fails (a value the database cannot
   * hold, a bug) is answered alone with its error and the batch runs again without it; a
   * database out of reach fails the whole batch, each delivery answered with that error.
   */
  private async commit(writes: Write[]): Promise<ItemResult<RecordOutcome>[]> {
    const results: (ItemResult<RecordOutcome> | undefined)[] = writes.map(() => undefined);
    let retriedDeadlock = false;
    for (;;) {
      const open = writes.flatMap((w, i) => (results[i] ? [] : [i]));
      if (open.length === 0) break;
      try {
        const outcomes = await withTransaction(this.deps.pool, async (client) => {
          const done: RecordOutcome[] = [];
          for (const i of open) done.push(await writes[i]!(client).catch(fail(i)));
          return done;
        });
        open.forEach((i, k) => (results[i] = { ok: true, value: outcomes[k]! }));
      } catch (err) {
        const cause = err instanceof StepFailure ? err.cause : err;
        if (isRetryable(cause) && !retriedDeadlock) {
          retriedDeadlock = true; // another process's batch held rows this one wanted: once more
          continue;
        }
        if (!(err instanceof StepFailure) || isDatabaseUnreachable(cause)) throw cause;
        // A concurrent twin claimed the same delivery first: a duplicate, as record() answers it.
        results[err.index] = isUniqueViolation(cause) ? { ok: true, value: DUPLICATE } : { ok: false, error: cause };
      }
    }
    await this.enqueue(results.flatMap((r) => (r?.ok ? [r.value] : [])));
    return results as ItemResult<RecordOutcome>[];
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

const fail = (index: number) => (err: unknown) => {
  throw new StepFailure(index, err);
};

function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return code === SqlState.deadlockDetected || code === SqlState.serializationFailure;
}
