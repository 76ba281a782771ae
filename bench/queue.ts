// Queue memory: Redis bytes per scheduled send, from INFO memory before and after scheduling
// delayed jobs through the real code path (QueueBackend.schedule).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { openQueue } from '../src/queue/cross-sell-queue.js';
import type { Database } from '../src/db/database.js';

export async function benchQueue(env: { REDIS_URL: string }, opts: { jobs: number }) {
  const redis = new Redis(env.REDIS_URL);
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  const queue = await openQueue({ redisUrl: env.REDIS_URL, prefix: `{qb${randomBytes(3).toString('hex')}}`, db: {} as Database });
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
