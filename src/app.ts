// Composition root: opens the database and queue once and wires the receiver, the workers and
// the reconciler. `start` runs all of it in one process; `serve` and `work` run a part.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { RouteLogController } from './http/request-log.js';
import { homeRoutes } from './http/home.js';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Settings } from './config/load.js';
import { openDatabase, reserveDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { openQueue, sendLimiter, type QueueBackend, type CrossSellJob } from './queue/cross-sell-queue.js';
import { Reconciler } from './queue/reconciler.js';
import { queueTimings } from './queue/timings.js';
import { Recorder } from './ingest/record.js';
import { linkPolicy } from './links/safe-url.js';
import { createMailer, type Mailer } from './mail/transport.js';
import { LinkSigner } from './links/signed-links.js';
import { webhookRoutes } from './http/webhooks.js';
import { GroupCommit } from './ingest/group-commit.js';
import { webhookSecrets } from './ingest/sources/secrets.js';
import { healthRoutes } from './http/health.js';
import { trackingRoutes } from './http/tracking.js';
import { adminRoutes } from './http/admin/index.js';
import { metricsGate } from './http/metrics-gate.js';
import { weakSecrets } from './config/env.js';
import { everyStoreSettings, settingsFor, warnMissingAddresses } from './config/store-settings.js';
import { createLogger, logFormat, throttledErrors } from './log.js';
import { createDeliverProcessor } from '../workers/deliver.js';
import { codeApisFromEnv } from './offers/code-apis.js';
import { installSecret, openAddressKey } from './privacy/address-key.js';
import { PostgresItemPicker } from './recommend/pick-from-database.js';
import { rebuildChangedStores } from './recommend/rebuild.js';
import { warmUpRenderer } from './mail/render.js';
import { LearnedDelayCache, usesLearnedDelay } from './timing/learned-delays.js';

export interface AppParts {
  http?: boolean;
  workers?: boolean;
  /** Run migrations first (start, demo, tests). */
  migrate?: boolean;
  /** The command, named in the embedded data dir's lock (start, serve, work, demo). */
  command?: string;
}

export interface App {
  settings: Settings;
  log: Logger;
  db: Database;
  queue: QueueBackend;
  recorder: Recorder;
  reconciler: Reconciler;
  mailer: Mailer;
  links: LinkSigner;
  http?: FastifyInstance;
  /** The bound address when HTTP runs, e.g. http://127.0.0.1:3000 */
  address?: string;
  workers: Worker<CrossSellJob>[];
  /** Resolves true once the queue answers (false if closed first); until then it is retried and logged. */
  queueReady: Promise<boolean>;
  close(): Promise<void>;
}

/** What the routes need once the database and queue are open; until then they answer 503. */
interface Ready {
  pool: Database['pool'];
  queue: QueueBackend;
  recorder: Recorder;
  reconciler: Reconciler;
  links: LinkSigner;
  ingest: GroupCommit;
}

/** The parts opened on the database: queue, links, recorder, reconciler, mailer. */
type Services = Pick<App, 'queue' | 'links' | 'recorder' | 'reconciler' | 'mailer'> & { learned: LearnedDelayCache };

export async function openApp(
  settings: Settings,
  parts: AppParts,
  log = createLogger(settings.env.LOG_LEVEL, undefined, logFormat(settings.env.LOG_FORMAT)),
): Promise<App> {
  const dataDir = path.resolve(settings.env.AFTERCART_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  warnAtStart(settings, log);
  let ready: Ready | undefined;
  const { reservation, served } = await reserveAndListen(settings, parts, log, () => ready);
  let db: Database | undefined;
  let long: Database | undefined;
  try {
    db = await reservation.open();
    // Migrations and the co-purchase rebuild run long statements: a small pool without timeouts.
    if (settings.env.DATABASE_URL && (parts.migrate || parts.workers))
      long = await openDatabase({ url: settings.env.DATABASE_URL, dataDir, max: 2 });
    const longPool = long?.pool ?? db.pool;
    if (parts.migrate) await migrate(longPool);
    const services = await openServices(settings, db, log, dataDir);
    const opened = { settings, log, db, ...services, http: served?.http, address: served?.address };
    const app: App = { ...opened, workers: [], queueReady: Promise.resolve(false), close: async () => {} };
    const rebuildTimer = parts.workers ? await startWorker(app, services.learned, longPool) : undefined;
    ready = { pool: db.pool, ...services, ingest: groupCommit(app) };
    services.reconciler.start();
    return withLifecycle(app, long, rebuildTimer);
  } catch (err) {
    await served?.http.close();
    await long?.close();
    await db?.close();
    throw err;
  }
}

/**
 * The embedded data dir is claimed before anything binds: a second `start` refuses naming the
 * running one, rather than failing on its port. HTTP then listens at once: /healthz answers while
 * the (possibly embedded) database starts, and webhooks get 503 until it is open.
 */
async function reserveAndListen(settings: Settings, parts: AppParts, log: Logger, ready: () => Ready | undefined) {
  const { env } = settings;
  const reservation = await reserveDatabase({
    url: env.DATABASE_URL,
    dataDir: path.resolve(env.AFTERCART_DATA_DIR),
    role: 'own',
    command: parts.command ?? 'start',
    timeoutMs: env.DATABASE_TIMEOUT_MS,
  });
  if (!parts.http) return { reservation, served: undefined };
  const served = await listen(settings, log, ready).catch(async (err: unknown) => {
    await reservation.release();
    throw err;
  });
  return { reservation, served };
}

/** Readiness once the queue answers, and a close that undoes everything in order, once. */
function withLifecycle(app: App, long: Database | undefined, rebuildTimer: NodeJS.Timeout | undefined): App {
  let closed = false;
  let queueUp = false;
  app.queueReady = waitForQueue(app.queue, app.log, () => closed).then((up) => (queueUp = up));
  app.close = async () => {
    if (closed) return;
    closed = true;
    if (rebuildTimer) clearInterval(rebuildTimer);
    await closeApp(app, long, queueUp);
  };
  return app;
}

/** Weak secrets (refused in production by parseEnv; elsewhere a warning) and stores without an address. */
function warnAtStart(settings: Settings, log: Logger): void {
  for (const weak of weakSecrets(settings.env))
    log.warn({ variable: weak.variable }, `${weak.variable} is ${weak.problem} (refused when NODE_ENV=production)`);
  warnMissingAddresses(settings.config, log);
}

/** The receiver: health, webhooks, tracking links and the admin, each a plugin of its own. */
async function listen(
  settings: Settings,
  log: Logger,
  ready: () => Ready | undefined,
): Promise<{ http: FastifyInstance; address: string }> {
  const { env } = settings;
  const config = () => settings.config;
  const secrets = webhookSecrets(env);
  // The app's logger: refusals and faults that routes log are written, and one line per request
  // names its route, never its URL (src/http/request-log.ts).
  const http = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new RouteLogController(),
    bodyLimit: settings.config.ingest.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  http.addHook('onRequest', metricsGate(env.METRICS_TOKEN));
  await http.register(homeRoutes, { publicUrl: env.PUBLIC_URL });
  await http.register(healthRoutes, { deps: ready });
  const keepPayloads = () => settings.config.ingest.payloadRetention > 0;
  await http.register(webhookRoutes, {
    deps: () => withReady(ready(), (r) => ({ ...r, keepPayloads: keepPayloads(), secrets })),
  });
  await http.register(trackingRoutes, {
    deps: () => withReady(ready(), (r) => ({ pool: r.pool, links: r.links, config })),
  });
  await http.register(adminRoutes, {
    deps: () => withReady(ready(), (r) => ({ pool: r.pool, queue: r.queue, adminToken: env.ADMIN_TOKEN, config })),
  });
  const address = await http.listen({ port: env.PORT, host: env.HOST });
  return { http, address };
}

const withReady = <T>(ready: Ready | undefined, deps: (r: Ready) => T): T | undefined => ready && deps(ready);

async function openServices(settings: Settings, db: Database, log: Logger, dataDir: string): Promise<Services> {
  const { env } = settings;
  const config = () => settings.config;
  const queue = await openQueue({
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    db,
    retry: {
      attempts: env.JOB_ATTEMPTS,
      backoffMs: env.JOB_BACKOFF_MS,
      keepCompleted: env.JOB_KEEP_COMPLETED,
      keepFailed: env.JOB_KEEP_FAILED,
    },
    onError: throttledErrors(log),
  });
  // One install secret signs links and keys addresses (src/privacy/address-key.ts).
  const secret = await installSecret(env.LINK_SECRET, dataDir);
  await openAddressKey(db.pool, secret);
  const learned = new LearnedDelayCache(db.pool, () =>
    everyStoreSettings(config()).some((s) => usesLearnedDelay(s.timing)),
  );
  // Each order is decided under its own store's settings (src/config/store-settings.ts).
  const recorder = new Recorder({
    pool: db.pool,
    timing: (store) => settingsFor(config(), store).timing,
    attributionWindow: (store) => settingsFor(config(), store).mail.attributionWindow,
    links: (store) => linkPolicy(settingsFor(config(), store).store),
    log,
    learned: (store) => learned.get(store),
    prepared: !db.embedded,
    privacy: { dataDir, outboxDir: path.join(dataDir, 'outbox') },
  });
  const reconciler = new Reconciler({
    pool: db.pool,
    queue,
    log,
    expireAfterMs: () => settings.config.timing.expireAfter,
    payloadRetentionMs: () => settings.config.ingest.payloadRetention,
    deliveryRetentionMs: () => settings.config.ingest.deliveryRetention,
    sendingTimeoutMs: queueTimings(env).sendingTimeoutMs,
  });
  const mailer = openMailer(settings, dataDir);
  return { queue, links: new LinkSigner(secret), recorder, reconciler, mailer, learned };
}

function openMailer({ env, config }: Settings, dataDir: string): Mailer {
  return createMailer({
    smtpUrl: env.SMTP_URL,
    outboxDir: path.join(dataDir, 'outbox'),
    maxConnections: config.mail.maxConnections,
    // mail.rateLimit is the queue's limiter (sendLimiter), shared by every worker process.
    rateDeltaMs: config.mail.rateDelta,
    socketTimeoutMs: queueTimings(env).smtpSocketTimeoutMs,
    dkim:
      env.DKIM_PRIVATE_KEY && env.DKIM_DOMAIN && env.DKIM_SELECTOR
        ? {
            domainName: env.DKIM_DOMAIN,
            keySelector: env.DKIM_SELECTOR,
            privateKey: env.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
          }
        : undefined,
  });
}

/** The send worker, and the periodic co-purchase rebuild that keeps learned items up to date. */
async function startWorker(app: App, learned: LearnedDelayCache, longPool: Database['pool']): Promise<NodeJS.Timeout> {
  const { settings, db, log } = app;
  const config = () => settings.config;
  const timings = queueTimings(settings.env);
  await warmUpRenderer();
  const processor = createDeliverProcessor({
    pool: db.pool,
    config,
    mailer: app.mailer,
    links: app.links,
    publicUrl: settings.env.PUBLIC_URL.replace(/\/$/, ''),
    log,
    items: new PostgresItemPicker(db.pool, config, !db.embedded),
    learned: (store) => learned.get(store),
    prepared: !db.embedded,
    codeApis: codeApisFromEnv(settings.env),
    leaseMs: timings.sendLeaseMs,
  });
  const limiter = sendLimiter(settings.config.mail);
  const { lockDuration, stalledInterval } = timings;
  const concurrency = settings.env.WORKER_CONCURRENCY;
  const worker = app.queue.createWorker(processor, { concurrency, lockDuration, stalledInterval, limiter });
  worker.on('failed', (job, err) =>
    log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'cross-sell job failed'),
  );
  app.workers.push(worker);
  let lastRebuild = new Date();
  const timer = setInterval(() => {
    const since = lastRebuild;
    lastRebuild = new Date();
    rebuildChangedStores(longPool, since).then(
      (done) => done.length && log.info({ stores: done }, 'co-purchase rebuilt'),
      (err) => log.warn({ err: (err as Error).message }, 'co-purchase rebuild failed'),
    );
  }, settings.config.recommend.rebuildEvery);
  return timer.unref();
}

/** Webhooks arriving together are written in one transaction (src/ingest/group-commit.ts). */
function groupCommit({ db, recorder, queue, reconciler, log, settings: { env } }: App): GroupCommit {
  return new GroupCommit({
    pool: db.pool,
    recorder,
    queue,
    reconciler,
    log,
    batch: { maxWaitMs: env.INGEST_BATCH_MS, maxSize: env.INGEST_BATCH_MAX, maxInFlight: env.INGEST_BATCH_CONCURRENCY },
  });
}

/** Order matters: stop taking webhooks, let running jobs finish, then queues and pools. */
async function closeApp(app: App, long: Database | undefined, queueWasUp: boolean): Promise<void> {
  app.reconciler.stop();
  if (app.http) await app.http.close();
  // Running jobs get 10 s to finish. Workers whose queue never answered, and does not now, have
  // none, and their graceful close could not end: no grace to wait out.
  const idle = !queueWasUp && app.workers.length > 0 && !(await app.queue.ping());
  const graceMs = idle ? 0 : 10_000;
  await Promise.all(app.workers.map((w) => closeWithin(w, graceMs)));
  await app.queue.close();
  app.mailer.close();
  await long?.close();
  await app.db.close();
}

/**
 * Resolves true once the queue answers. A `work` started while Redis is down must say so, not
 * claim to run: it logs every 30 s while BullMQ keeps reconnecting on its own.
 */
async function waitForQueue(queue: QueueBackend, log: Logger, closed: () => boolean): Promise<boolean> {
  const what = queue.kind === 'redis' ? 'Redis' : 'the queue database';
  for (let tries = 0; ; tries++) {
    if (closed()) return false;
    if (await queue.ping()) {
      if (tries > 0) log.info({ queue: queue.kind }, `${what} reachable: the queue is running`);
      return true;
    }
    if (tries % 30 === 0) log.warn({ queue: queue.kind }, `${what} unreachable: retrying every second`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * `worker.close()` never resolves while Redis is unreachable: race it, then force. Forcing never
 * resolves either for a worker that never reached Redis; the queue's close then drops its
 * connections.
 */
async function closeWithin(worker: Worker<CrossSellJob>, ms: number): Promise<void> {
  if (ms === 0 || (await within(worker.close(), ms)) === 'timeout')
    await within(
      worker.close(true).catch(() => {}),
      1_000,
    );
}

async function within(work: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([work.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  return result;
}
