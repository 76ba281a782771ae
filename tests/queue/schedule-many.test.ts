// The reconciler's look-up of a page of scheduled rows (QueueBackend.scheduleMany) on one Redis
// and on a 3-master Redis Cluster: one pipelined look-up, and only a lost, finished or mistimed
// job is added or moved; a job waiting, running or delayed to its row's time is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing, services, uniquePrefix } from '../support/services.js';
import { jobIdFor, openQueue, type QueueBackend } from '../../src/queue/cross-sell-queue.js';
import type { Database } from '../../src/db/database.js';

const HOUR = 3_600_000;
const backends = [
  { on: 'Redis', needs: 'redis', url: () => services().redis! },
  { on: 'a Redis Cluster', needs: 'redisCluster', url: () => services().redisCluster! },
] as const;

for (const backend of backends)
  describe.skipIf(missing(backend.needs))(`scheduleMany on ${backend.on}`, () => {
    let queue: QueueBackend;
    beforeAll(async () => {
      // The Redis backend never touches the database.
      queue = await openQueue({ redisUrl: backend.url(), prefix: uniquePrefix(), db: {} as Database });
    });
    afterAll(async () => {
      await queue?.queue.obliterate({ force: true }).catch(() => {});
      await queue?.close();
    });

    const dueOf = async (id: string) => {
      const job = await queue.queue.getJob(jobIdFor(id));
      return job && { state: await job.getState(), delay: job.delay };
    };

    it('leaves jobs in place, adds the lost one and moves the mistimed one', async () => {
      const past = new Date(Date.now() - 2 * 60_000);
      const later = new Date(Date.now() + HOUR);
      await queue.scheduleFresh([
        { crossSellId: 'waiting', dueAt: past },
        { crossSellId: 'delayed', dueAt: later },
        { crossSellId: 'mistimed', dueAt: later },
      ]);
      const page = [
        { crossSellId: 'waiting', dueAt: past },
        { crossSellId: 'delayed', dueAt: later },
        { crossSellId: 'mistimed', dueAt: past }, // its row came due while its job still waits an hour
        { crossSellId: 'lost', dueAt: past }, // no job: Redis lost it
      ];
      expect(await queue.scheduleMany(page)).toBe(2);
      expect(await dueOf('waiting')).toMatchObject({ state: 'waiting' });
      expect(await dueOf('delayed')).toMatchObject({ state: 'delayed', delay: expect.closeTo(HOUR, -4) });
      expect((await dueOf('mistimed'))?.delay).toBeLessThan(HOUR);
      expect(await dueOf('lost')).toMatchObject({ state: 'waiting' });
      // Everything in place now: nothing to do the second time.
      expect(await queue.scheduleMany(page)).toBe(0);
    });
  });
