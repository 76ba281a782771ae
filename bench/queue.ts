// Queue memory: Redis bytes per scheduled send, from INFO memory before and after scheduling
// delayed jobs through the real code path (QueueBackend.schedule).
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { connectRedis } from '../src/queue/redis-connection.js';
import { openQueue } from '../src/queue/cross-sell-queue.js';
import type { Database } from '../src/db/database.js';

export async function benchQueue(env: { REDIS_URL: string }, opts: { jobs: number }) {
  const redis = connectRedis(env.REDIS_URL);
  await redis.ping(); // a cluster knows its masters once connected
  // On a cluster the queue's keys sit on one master: the sum over masters counts them wherever.
  const nodes = () => (redis instanceof Cluster ? redis.nodes('master') : [redis]);
  const usedBy = async (node: { info(section: string): Promise<string> }) =>
    Number(/used_memory:(\d+)/.exec(await node.info('memory'))![1]);
  const used = async () => (await Promise.all(nodes().map(usedBy))).reduce((a, b) => a + b, 0);
  const queue = await openQueue({
    redisUrl: env.REDIS_URL,
    prefix: `{qb${randomBytes(3).toString('hex')}}`,
    db: {} as Database,
  });
  await queue.schedule('0', new Date(Date.now() + 86_400_000)); // the queue's own keys, not per job
  const before = await used();
  const due = new Date(Date.now() + 86_400_000);
  for (let i = 1; i <= opts.jobs; i++) await queue.schedule(String(1_000_000 + i), due);
  const after = await used();
  await queue.queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  return { jobs: opts.jobs, redisBytesPerScheduledSend: Math.round((after - before) / opts.jobs) };
}
