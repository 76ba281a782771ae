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

export async function openApp(
  settings: Settings,
  parts: AppParts,
  log = createLogger(settings.env.LOG_LEVEL, undefined, logFormat(settings.env.LOG_FORMAT)),
): Promise<App> {
  const { env } = settings;
  const dataDir = path.resolve(env.AFTERCART_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const config = () => settings.config;
  // Refused in production by parseEnv; elsewhere a warning, so a trial set-up still starts.
  for (const weak of weakSecrets(env))
    log.warn({ variable: weak.variable }, `${weak.variable} is ${weak.problem} (refused when NODE_ENV=production)`);
  warnMissingAddresses(settings.config, log);
  const secrets = webhookSecrets(env);

  // HTTP listens first: /healthz answers while the (possibly embedded) database starts, and
  // webhooks get 503 until it is open, so the store retries instead of timing out.
  let ready:
    | {
        pool: Database['pool'];
        queue: QueueBackend;
        recorder: Recorder;
        reconciler: Reconciler;
        links: LinkSigner;
        ingest: GroupCommit;
      }
    | undefined;
  let http: FastifyInstance | undefined;
  let address: string | undefined;
  // The embedded data dir is claimed before anything binds: a second `start` refuses naming the
  // running one, rather than failing on its port.
  const reservation = await reserveDatabase({
    url: env.DATABASE_URL,
    dataDir,
    role: 'own',
    command: parts.command ?? 'start',
    timeoutMs: env.DATABASE_TIMEOUT_MS,
  });
  if (parts.http) {
    // The app's logger: refusals and faults that routes log are written, and one line per request
    // names its route, never its URL (src/http/request-log.ts).
    http = Fastify({
      loggerInstance: log as FastifyBaseLogger,
      logController: new RouteLogController(),
      bodyLimit: settings.config.ingest.bodyLimit,
      return503OnClosing: true,
      forceCloseConnections: 'idle',
    });
    http.addHook('onRequest', metricsGate(env.METRICS_TOKEN));
    await http.register(homeRoutes, { publicUrl: env.PUBLIC_URL });
    await http.register(healthRoutes, { deps: () => ready });
    await http.register(webhookRoutes, {
      deps: () =>
        ready && {
          ...ready,
          keepPayloads: settings.config.ingest.payloadRetention > 0,
          secrets,
        },
    });
    await http.register(trackingRoutes, { deps: () => ready && { pool: ready.pool, links: ready.links, config } });
    await http.register(adminRoutes, {
      deps: () => ready && { pool: ready.pool, queue: ready.queue, adminToken: env.ADMIN_TOKEN, config },
    });
    address = await http.listen({ port: env.PORT, host: env.HOST }).catch(async (err: unknown) => {
      await reservation.release();
      throw err;
    });
  }

  let db: Database | undefined;
  let long: Database | undefined;
  let rebuildTimer: NodeJS.Timeout | undefined;
  try {
    db = await reservation.open();
    // Migrations and the co-purchase rebuild run long statements: a small pool without timeouts.
    if (env.DATABASE_URL && (parts.migrate || parts.workers))
      long = await openDatabase({ url: env.DATABASE_URL, dataDir, max: 2 });
    const longPool = long?.pool ?? db.pool;
    if (parts.migrate) await migrate(longPool);
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
    const links = new LinkSigner(secret);
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
    });
    const mailer = createMailer({
      smtpUrl: env.SMTP_URL,
      outboxDir: path.join(dataDir, 'outbox'),
      maxConnections: settings.config.mail.maxConnections,
      // mail.rateLimit is the queue's limiter (sendLimiter), shared by every worker process.
      rateDeltaMs: settings.config.mail.rateDelta,
      dkim:
        env.DKIM_PRIVATE_KEY && env.DKIM_DOMAIN && env.DKIM_SELECTOR
          ? {
              domainName: env.DKIM_DOMAIN,
              keySelector: env.DKIM_SELECTOR,
              privateKey: env.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
            }
          : undefined,
    });
    const app: App = {
      settings,
      log,
      db,
      queue,
      recorder,
      reconciler,
      mailer,
      links,
      http,
      address,
      workers: [],
      queueReady: Promise.resolve(false),
      close: async () => {},
    };

    if (parts.workers) {
      await warmUpRenderer();
      const processor = createDeliverProcessor({
        pool: db.pool,
        config,
        mailer,
        links,
        publicUrl: env.PUBLIC_URL.replace(/\/$/, ''),
        log,
        items: new PostgresItemPicker(db.pool, config, !db.embedded),
        learned: (store) => learned.get(store),
        prepared: !db.embedded,
        codeApis: codeApisFromEnv(env),
      });
      const limiter = sendLimiter(settings.config.mail);
      const worker = queue.createWorker(processor, { concurrency: env.WORKER_CONCURRENCY, limiter });
      worker.on('failed', (job, err) =>
        log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'cross-sell job failed'),
      );
      app.workers.push(worker);
      // Learned co-purchase keeps up with new orders by a periodic rebuild of changed stores.
      let lastRebuild = new Date();
      rebuildTimer = setInterval(() => {
        const since = lastRebuild;
        lastRebuild = new Date();
        rebuildChangedStores(longPool, since).then(
          (done) => done.length && log.info({ stores: done }, 'co-purchase rebuilt'),
          (err) => log.warn({ err: (err as Error).message }, 'co-purchase rebuild failed'),
        );
      }, settings.config.recommend.rebuildEvery);
      rebuildTimer.unref();
    }
    const ingest = new GroupCommit({
      pool: db.pool,
      recorder,
      queue,
      reconciler,
      log,
      batch: {
        maxWaitMs: env.INGEST_BATCH_MS,
        maxSize: env.INGEST_BATCH_MAX,
        maxInFlight: env.INGEST_BATCH_CONCURRENCY,
      },
    });
    ready = { pool: db.pool, queue, recorder, reconciler, links, ingest };
    reconciler.start();

    let closed = false;
    app.queueReady = waitForQueue(queue, log, () => closed);
    app.close = async () => {
      if (closed) return;
      closed = true;
      // Order matters: stop taking webhooks, let running jobs finish, then queues and pools.
      reconciler.stop();
      if (rebuildTimer) clearInterval(rebuildTimer);
      if (http) await http.close();
      await Promise.all(app.workers.map((w) => closeWithin(w, 10_000)));
      await queue.close();
      mailer.close();
      await long?.close();
      await db!.close();
    };
    return app;
  } catch (err) {
    await http?.close();
    await long?.close();
    await db?.close();
    throw err;
  }
}

/** Commercial email must carry the sender's postal address: name every store that has none. */
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
  if ((await within(worker.close(), ms)) === 'timeout')
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
