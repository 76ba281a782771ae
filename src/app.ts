// Composition root: opens the database and queue once and wires the receiver, the workers and
// the reconciler. `start` runs all of it in one process; `serve` and `work` run a part.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { RouteLogController } from './http/request-log.js';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Settings } from './config/load.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { openQueue, type QueueBackend, type CrossSellJob } from './queue/cross-sell-queue.js';
import { Reconciler } from './queue/reconciler.js';
import { Recorder } from './ingest/record.js';
import { linkPolicy } from './ingest/safe-url.js';
import { createMailer, type Mailer } from './mail/transport.js';
import { LinkSigner } from './http/links.js';
import { webhookRoutes } from './http/webhooks.js';
import { healthRoutes } from './http/health.js';
import { trackingRoutes } from './http/tracking.js';
import { adminRoutes } from './http/admin/index.js';
import { createLogger } from './log.js';
import { createDeliverProcessor } from '../workers/deliver.js';
import { PostgresItemPicker } from './recommend/postgres-item-picker.js';
import { rebuildChangedStores } from './recommend/rebuild.js';
import { warmUpRenderer } from './mail/render.js';
import { LearnedDelayCache, usesLearnedDelay } from './learned/learned-delays.js';

export interface AppParts {
  http?: boolean;
  workers?: boolean;
  /** Run migrations first (start, demo, tests). */
  migrate?: boolean;
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
  close(): Promise<void>;
}

export async function openApp(settings: Settings, parts: AppParts, log = createLogger(settings.env.LOG_LEVEL)): Promise<App> {
  const { env } = settings;
  const dataDir = path.resolve(env.AFTERCART_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const config = () => settings.config;

  // HTTP listens first: /healthz answers while the (possibly embedded) database starts, and
  // webhooks get 503 until it is open, so the store retries instead of timing out.
  let ready: { pool: Database['pool']; queue: QueueBackend; recorder: Recorder; reconciler: Reconciler; links: LinkSigner } | undefined;
  let http: FastifyInstance | undefined;
  let address: string | undefined;
  if (parts.http) {
    // The app's logger: refusals and faults that routes log are written, and one line per request
    // names its route, never its URL (src/http/request-log.ts).
    http = Fastify({ loggerInstance: log as FastifyBaseLogger, logController: new RouteLogController(), bodyLimit: settings.config.ingest.bodyLimit, return503OnClosing: true, forceCloseConnections: 'idle' });
    await http.register(healthRoutes, { deps: () => ready });
    await http.register(webhookRoutes, {
      deps: () => ready && {
        ...ready, keepPayloads: settings.config.ingest.payloadRetention > 0,
        secrets: { shopify: env.SHOPIFY_WEBHOOK_SECRET, woocommerce: env.WOOCOMMERCE_WEBHOOK_SECRET, events: env.STANDARD_WEBHOOK_SECRET },
      },
    });
    await http.register(trackingRoutes, { deps: () => ready && { pool: ready.pool, links: ready.links, config } });
    await http.register(adminRoutes, { deps: () => ready && { pool: ready.pool, queue: ready.queue, adminToken: env.ADMIN_TOKEN } });
    address = await http.listen({ port: env.PORT, host: env.HOST });
  }

  let db: Database | undefined;
  let rebuildTimer: NodeJS.Timeout | undefined;
  try {
    db = await openDatabase({ url: env.DATABASE_URL, dataDir });
    if (parts.migrate) await migrate(db.pool);
    const queue = await openQueue({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, db });
    const links = new LinkSigner(env.LINK_SECRET ?? (await localLinkSecret(dataDir)));
    const learned = new LearnedDelayCache(db.pool, () => usesLearnedDelay(settings.config.timing));
    const recorder = new Recorder({
      pool: db.pool, timing: () => settings.config.timing, attributionWindow: () => settings.config.mail.attributionWindow,
      links: () => linkPolicy(settings.config.store), log,
      learned: (store) => learned.get(store), prepared: !db.embedded,
    });
    const reconciler = new Reconciler({
      pool: db.pool, queue, log, expireAfterMs: () => settings.config.timing.expireAfter,
      payloadRetentionMs: () => settings.config.ingest.payloadRetention,
    });
    const mailer = createMailer({
      smtpUrl: env.SMTP_URL,
      outboxDir: path.join(dataDir, 'outbox'),
      maxConnections: settings.config.mail.maxConnections,
      rateLimit: settings.config.mail.rateLimit,
      rateDeltaMs: settings.config.mail.rateDelta,
      dkim: env.DKIM_PRIVATE_KEY && env.DKIM_DOMAIN && env.DKIM_SELECTOR
        ? { domainName: env.DKIM_DOMAIN, keySelector: env.DKIM_SELECTOR, privateKey: env.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') }
        : undefined,
    });
    const app: App = { settings, log, db, queue, recorder, reconciler, mailer, links, http, address, workers: [], close: async () => {} };

    if (parts.workers) {
      await warmUpRenderer();
      const processor = createDeliverProcessor({
        pool: db.pool, config, mailer, links, publicUrl: env.PUBLIC_URL.replace(/\/$/, ''), log,
        items: new PostgresItemPicker(db.pool, config, !db.embedded), learned: (store) => learned.get(store), prepared: !db.embedded,
      });
      const worker = queue.createWorker(processor, { concurrency: env.WORKER_CONCURRENCY });
      worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'cross-sell job failed'));
      app.workers.push(worker);
      // Learned co-purchase keeps up with new orders by a periodic rebuild of changed stores.
      let lastRebuild = new Date();
      rebuildTimer = setInterval(() => {
        const since = lastRebuild;
        lastRebuild = new Date();
        rebuildChangedStores(db!.pool, since).then(
          (done) => done.length && log.info({ stores: done }, 'co-purchase rebuilt'),
          (err) => log.warn({ err: (err as Error).message }, 'co-purchase rebuild failed'),
        );
      }, settings.config.recommend.rebuildEvery);
      rebuildTimer.unref();
    }
    ready = { pool: db.pool, queue, recorder, reconciler, links };
    reconciler.start();

    let closed = false;
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
      await db!.close();
    };
    return app;
  } catch (err) {
    await http?.close();
    await db?.close();
    throw err;
  }
}

/** `worker.close()` never resolves while Redis is unreachable: race it, then force. */
async function closeWithin(worker: Worker<CrossSellJob>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([worker.close().then(() => 'closed' as const), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') await worker.close(true).catch(() => {});
}

/** With no LINK_SECRET (embedded defaults), a random one kept in the data dir. */
async function localLinkSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'link-secret');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
