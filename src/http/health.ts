// Liveness, readiness (database and queue reachable) and Prometheus metrics.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { QueueBackend } from '../queue/cross-sell-queue.js';
import { registry } from '../metrics/metrics.js';

// Liveness answers as soon as the process listens; readiness waits for database and queue.
export async function healthRoutes(
  app: FastifyInstance,
  opts: { deps: () => { pool: pg.Pool; queue: QueueBackend } | undefined },
): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const deps = opts.deps();
    if (!deps) return reply.code(503).send({ ok: false, starting: true });
    // Both at once, each bounded: a server that never answers makes readiness false, not slow.
    const [database, queue] = await Promise.all([
      within(
        deps.pool.query('SELECT 1').then(
          () => true,
          () => false,
        ),
      ),
      within(deps.queue.ping()),
    ]);
    return reply
      .code(database && queue ? 200 : 503)
      .send({ ok: database && queue, database, queue: queue ? deps.queue.kind : false });
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/** The answer of `check`, or false after `ms` (the pool's own timeouts normally come first). */
async function within(check: Promise<boolean>, ms = 4_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}
