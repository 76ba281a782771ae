// The one BullMQ queue of cross-sell jobs. Redis or a Redis Cluster (redis-connection.ts) when
// REDIS_URL is set, else BullMQ's own PostgreSQL backend in our database. Jobs carry ids, never orders.
import { Queue, Worker, withBackend, createPostgresBackend, runMigrations, type Processor } from 'bullmq';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { connectRedis } from './redis-connection.js';
import type { Database } from '../db/database.js';

export const QUEUE_NAME = 'cross-sell';

export interface CrossSellJob {
  crossSellId: string;
}

/** Deterministic: a cross-sell can never be queued twice. No `:`, never all digits. */
export function jobIdFor(crossSellId: string | number): string {
  return `xs-${crossSellId}`;
}

export interface QueueBackend {
  kind: 'redis' | 'postgres';
  queue: Queue<CrossSellJob>;
  /** Adds (or re-times) the delayed job of one cross-sell; `fresh`: no job can exist yet. */
  schedule(crossSellId: string, dueAt: Date, opts?: { fresh?: boolean }): Promise<void>;
  remove(crossSellId: string): Promise<void>;
  /** Adds the jobs of cross-sells created just now (no job can exist yet) in one round trip. */
  scheduleFresh(entries: { crossSellId: string; dueAt: Date }[]): Promise<void>;
  /**
   * The reconciler's `schedule` for a page of rows: on Redis, one pipelined look-up finds the
   * jobs that are there, unfinished and due when the row is (nothing to do), and only the others
   * go through `schedule`. Returns how many did.
   */
  scheduleMany(entries: { crossSellId: string; dueAt: Date }[]): Promise<number>;
  createWorker(processor: Processor<CrossSellJob>, opts: WorkerOptions): Worker<CrossSellJob>;
  /** True when the queue answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency: number;
  lockDuration?: number;
  /** How often the worker hands on jobs whose lock expired (BullMQ's default: 30 s). */
  stalledInterval?: number;
  /** At most `max` jobs start per `duration` ms across every worker of the queue (see sendLimiter). */
  limiter?: { max: number; duration: number };
}

/**
 * mail.rateLimit per mail.rateDelta as BullMQ's limiter, which is the queue's (a key in Redis, a
 * row in the PostgreSQL backend), so it holds across all worker processes. Evenly spaced rather
 * than a burst of rateLimit at the start of each window: two bursts either side of a window's
 * edge would double the rate a provider sees. The limiter spaces job starts, and a message
 * reaches the SMTP server a render and a claim later, which varies by tens of milliseconds:
 * starts are paced at PACE of the limit so the arrivals stay within it.
 */
/** The share of mail.rateLimit that job starts are paced at (see sendLimiter). */
const PACE = 0.8;

export function sendLimiter(mail: { rateLimit?: number; rateDelta: number }): WorkerOptions['limiter'] {
  return mail.rateLimit ? { max: 1, duration: Math.ceil(mail.rateDelta / (mail.rateLimit * PACE)) } : undefined;
}

export interface QueueOptions {
  redisUrl?: string;
  prefix: string;
  db: Database;
  /** How a job's attempts are retried (JOB_ATTEMPTS, JOB_BACKOFF_MS); 8 from 2 s by default. */
  retry?: JobRetry;
  /** Where queue and Redis errors go (throttled); dropped when not given. */
  onError?: ErrorSink;
}

/** Receives an error of one part of the queue ('redis', 'queue', 'worker'). */
export type ErrorSink = (part: string, err: Error) => void;
const ignore: ErrorSink = () => {};

export interface JobRetry {
  attempts: number;
  backoffMs: number;
  /** Finished jobs kept (JOB_KEEP_COMPLETED, JOB_KEEP_FAILED); 0 removes each as it finishes. */
  keepCompleted?: number;
  keepFailed?: number;
}

export async function openQueue(opts: QueueOptions): Promise<QueueBackend> {
  const defaults = jobDefaults(opts.retry ?? { attempts: 8, backoffMs: 2_000 });
  const onError = opts.onError ?? ignore;
  return opts.redisUrl
    ? openRedisQueue(opts.redisUrl, opts.prefix, defaults, onError)
    : openPostgresQueue(opts.db, defaults, onError);
}

type JobDefaults = ReturnType<typeof jobDefaults>;

const jobDefaults = (retry: JobRetry) => ({
  attempts: retry.attempts,
  backoff: { type: 'exponential', delay: retry.backoffMs },
  // Completed jobs are dropped by default: "one email per order" is a unique row in Postgres, not
  // a job id. BullMQ trims each finished set to its count as jobs finish, on either backend.
  removeOnComplete: keep(retry.keepCompleted ?? 0),
  removeOnFail: keep(retry.keepFailed ?? 1_000),
});

const keep = (count: number): true | { count: number } => (count === 0 ? true : { count });

async function scheduleJob(
  queue: Queue<CrossSellJob>,
  defaults: JobDefaults,
  crossSellId: string,
  dueAt: Date,
  fresh = false,
): Promise<void> {
  const jobId = jobIdFor(crossSellId);
  const delay = () => Math.max(0, dueAt.getTime() - Date.now());
  // A cross-sell created by this very webhook has no job: skip the look-up on the hot path.
  const existing = fresh ? undefined : await queue.getJob(jobId);
  if (existing?.finishedOn) {
    // A finished job (its attempts spent during an outage) keeps its id taken and would block the
    // add forever. The row is still scheduled, so replace it; the claim in Postgres still allows
    // one email only. A remove that loses a race to another process's re-add leaves one job.
    await existing.remove().catch(() => {});
  }
  if (!existing || existing.finishedOn) {
    await queue.add('deliver', { crossSellId }, { ...defaults, jobId, delay: delay() });
    return;
  }
  // The job is there already (a redelivery, a new milestone): move it if the due time changed.
  const current = existing.timestamp + (existing.opts.delay ?? 0);
  if (Math.abs(current - dueAt.getTime()) > 1_000 && (await existing.isDelayed())) await existing.changeDelay(delay());
}

/** `schedule` for each entry but those whose job is in place (see QueueBackend['scheduleMany']). */
async function scheduleMissing(
  queue: Queue<CrossSellJob>,
  connection: Redis | Cluster,
  defaults: JobDefaults,
  entries: { crossSellId: string; dueAt: Date }[],
): Promise<number> {
  const lookups = connection.pipeline();
  for (const { crossSellId } of entries) {
    const jobId = jobIdFor(crossSellId);
    lookups.hget(queue.toKey(jobId), 'finishedOn').exists(queue.toKey(jobId)).zscore(queue.keys.delayed!, jobId);
  }
  // A look-up that failed reads as undefined: that entry goes through scheduleJob.
  const values = ((await lookups.exec()) ?? []).map(([err, value]: [Error | null, unknown]) =>
    err ? undefined : value,
  );
  let scheduled = 0;
  for (const [i, e] of entries.entries()) {
    const [finishedOn, exists, delayedScore] = values.slice(3 * i, 3 * i + 3);
    if (exists === 1 && finishedOn === null && dueAsQueued(delayedScore, e.dueAt)) continue;
    await scheduleJob(queue, defaults, e.crossSellId, e.dueAt);
    scheduled++;
  }
  return scheduled;
}

/**
 * Not delayed (waiting or running), delayed to within a second of `dueAt`, or both already due.
 * BullMQ scores a delayed job by its due time × 4096 (getDelayedScore.lua); read otherwise, the
 * times differ and the entry goes through scheduleJob, which reads the job itself.
 */
function dueAsQueued(delayedScore: unknown, dueAt: Date): boolean {
  if (delayedScore === null) return true;
  const queuedAt = Math.floor(Number(delayedScore) / 0x1000);
  const now = Date.now();
  return Math.abs(queuedAt - dueAt.getTime()) <= 1_000 || (queuedAt <= now && dueAt.getTime() <= now);
}

/** `schedule` for each entry, one by one (the PostgreSQL backend). */
async function scheduleEach(
  schedule: QueueBackend['schedule'],
  entries: { crossSellId: string; dueAt: Date }[],
): Promise<number> {
  for (const e of entries) await schedule(e.crossSellId, e.dueAt);
  return entries.length;
}

async function addFreshJobs(
  queue: Queue<CrossSellJob>,
  defaults: JobDefaults,
  entries: { crossSellId: string; dueAt: Date }[],
): Promise<void> {
  if (entries.length === 0) return;
  const now = Date.now();
  await queue.addBulk(
    entries.map((e) => ({
      name: 'deliver',
      data: { crossSellId: e.crossSellId },
      opts: { ...defaults, jobId: jobIdFor(e.crossSellId), delay: Math.max(0, e.dueAt.getTime() - now) },
    })),
  );
}

/** BullMQ's worker options of ours; unset timings keep BullMQ's defaults. */
function workerTuning({ concurrency, lockDuration, stalledInterval, limiter }: WorkerOptions) {
  return {
    concurrency,
    ...(lockDuration ? { lockDuration } : {}),
    ...(stalledInterval ? { stalledInterval } : {}),
    ...(limiter ? { limiter } : {}),
  };
}

async function removeJob(queue: Queue<CrossSellJob>, crossSellId: string): Promise<void> {
  const job = await queue.getJob(jobIdFor(crossSellId));
  if (job && !(await job.isActive())) await job.remove().catch(() => {});
}

function openRedisQueue(url: string, prefix: string, defaults: JobDefaults, onError: ErrorSink): QueueBackend {
  // Producers fail fast while Redis is down (the reconciler re-adds later); workers wait.
  const producerOpts: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 };
  const connection = connectRedis(url, producerOpts);
  connection.on('error', (err: Error) => onError('redis', err));
  const queue = new Queue<CrossSellJob>(QUEUE_NAME, { connection, prefix });
  queue.on('error', (err: Error) => onError('queue', err));
  const workerConnections: (Redis | Cluster)[] = [];
  return {
    kind: 'redis',
    queue,
    schedule: (id, dueAt, opts) => scheduleJob(queue, defaults, id, dueAt, opts?.fresh),
    remove: (id) => removeJob(queue, id),
    scheduleFresh: (entries) => addFreshJobs(queue, defaults, entries),
    scheduleMany: (entries) => scheduleMissing(queue, connection, defaults, entries),
    createWorker(processor, opts) {
      const wc = connectRedis(url, { maxRetriesPerRequest: null });
      wc.on('error', (err: Error) => onError('redis', err));
      workerConnections.push(wc);
      const worker = new Worker<CrossSellJob>(QUEUE_NAME, processor, { connection: wc, prefix, ...workerTuning(opts) });
      worker.on('error', (err: Error) => onError('worker', err));
      return worker;
    },
    async ping() {
      try {
        return (await connection.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await queue.close().catch(() => {});
      connection.disconnect();
      for (const wc of workerConnections) wc.disconnect();
    },
  };
}

async function openPostgresQueue(db: Database, defaults: JobDefaults, onError: ErrorSink): Promise<QueueBackend> {
  await prepareBullmqSchema(db);
  const pg = withBackend(createPostgresBackend);
  const connection = db.embedded ? db.pool : { connectionString: db.url, schema: 'bullmq', max: 5 };
  const queue = new pg.Queue<CrossSellJob>(QUEUE_NAME, { connection }) as unknown as Queue<CrossSellJob>;
  queue.on('error', (err: Error) => onError('queue', err));
  const workers: Worker<CrossSellJob>[] = [];
  let wakeTimer: NodeJS.Timeout | undefined;

  const schedule: QueueBackend['schedule'] = async (id, dueAt, opts) => {
    await scheduleJob(queue, defaults, id, dueAt, opts?.fresh);
    if (db.embedded) await wakeWorkers(workers);
  };

  return {
    kind: 'postgres',
    queue,
    schedule,
    scheduleMany: (entries) => scheduleEach(schedule, entries),
    remove: (id) => removeJob(queue, id),
    async scheduleFresh(entries) {
      await addFreshJobs(queue, defaults, entries);
      if (db.embedded && entries.length > 0) await wakeWorkers(workers);
    },
    createWorker(processor, opts) {
      const options = { connection, ...workerTuning(opts) };
      const worker = new pg.Worker<CrossSellJob>(QUEUE_NAME, processor, options) as unknown as Worker<CrossSellJob>;
      worker.on('error', (err: Error) => onError('worker', err));
      workers.push(worker);
      // Another process (or a delayed job coming due) may need a nudge on the embedded database.
      if (db.embedded && !wakeTimer) wakeTimer = setInterval(() => void wakeWorkers(workers), 1_000).unref();
      return worker;
    },
    async ping() {
      try {
        await db.pool.query('SELECT 1 FROM bullmq.job LIMIT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (wakeTimer) clearInterval(wakeTimer);
      await queue.close().catch(() => {});
    },
  };
}

/** The bullmq schema migrated; on the embedded database, found by the shared session. */
async function prepareBullmqSchema(db: Database): Promise<void> {
  const client = await db.pool.connect();
  try {
    await runMigrations(client, 'bullmq');
  } finally {
    client.release();
  }
  if (db.pglite) {
    // One shared session on the embedded database: a per-connection search_path is not kept.
    await db.pglite.exec(`SET search_path TO "$user", public, bullmq`);
  }
}

// PGlite hands a NOTIFY back to the connection that sent it, never to the listener, so a
// worker could sleep up to an hour. Notify on each worker's own LISTEN client instead
// (NOTES.md, measured: ~10 ms lateness).
async function wakeWorkers(workers: Worker<CrossSellJob>[]): Promise<void> {
  for (const w of workers) {
    try {
      const backend = (
        w as unknown as {
          getBackend(): {
            connection: { getListenClient(): Promise<{ query(q: string, v: unknown[]): Promise<unknown> }> };
          };
        }
      ).getBackend();
      const c = await backend.connection.getListenClient();
      await c.query(`select pg_notify('bullmq_jobs', $1)`, [QUEUE_NAME]);
    } catch {
      // the next timer tick tries again
    }
  }
}
