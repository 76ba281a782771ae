// The ingest baseline: the same framework answering a route that does one INSERT and one
// delayed queue add, no signature and no mapping. Run as a child process by bench/ingest.ts.
import Fastify from 'fastify';
import pg from 'pg';
import { Queue } from 'bullmq';
import { connectRedis } from '../src/queue/redis-connection.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, body jsonb NOT NULL)');
const connection = connectRedis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const queue = new Queue('bench-baseline', { connection, prefix: process.env.QUEUE_PREFIX ?? '{bench}' });
const app = Fastify({ logger: false });
app.post('/baseline', async (req) => {
  const { rows } = await pool.query('INSERT INTO bench_baseline (body) VALUES ($1) RETURNING id', [
    JSON.stringify(req.body),
  ]);
  await queue.add('x', { id: rows[0].id }, { jobId: `b-${rows[0].id}`, delay: 3_600_000, removeOnComplete: true });
  return { ok: true };
});
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.send?.({ address });
process.on('SIGTERM', async () => {
  await app.close();
  await queue.close();
  connection.disconnect();
  await pool.end();
  process.exit(0);
});
