// A full reconciler pass (after a missed enqueue, and at every start) ends at the newest
// cross-sell when it began. Before, it paged on through the rows webhooks kept adding during
// it: under a steady stream the pass never ended, and its look-ups cost the server a tenth of its CPU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, type TestApp } from '../support/app.js';
import { missing } from '../support/services.js';
import { Reconciler } from '../../src/queue/reconciler.js';

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('a full reconciler pass', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      workers: false,
      config: { timing: { default: { after: 'order', delay: '1h' }, quietHours: false } },
    });
  });
  afterAll(async () => app?.stop());

  it('re-adds the rows there were when it began, not those webhooks add during it', async () => {
    for (let i = 0; i < 3; i++)
      expect((await app.postEvent(sampleOrder(`PASS-${i}`, { email: `p${i}@example.com` }))).status).toBe(200);
    let arriving = 0;
    // Each row the pass checks, a new order arrives (a webhook stream, made step by step).
    const queue = {
      ...app.queue,
      scheduleMany: async (entries: { crossSellId: string; dueAt: Date }[]) => {
        for (const _ of entries) {
          const n = arriving++;
          if (n < 1_000) await app.postEvent(sampleOrder(`LATE-${n}`, { email: `l${n}@example.com` }));
        }
        return app.queue.scheduleMany(entries);
      },
    };
    const reconciler = new Reconciler({ pool: app.db.pool, queue, log: app.log, expireAfterMs: () => 86_400_000 });
    reconciler.noteMissedEnqueue();
    const { rows } = await app.db.pool.query(`SELECT count(*)::int AS n FROM cross_sells WHERE status = 'scheduled'`);
    // Every job is in the queue, due when its row is: checked, none re-added.
    expect(await reconciler.pass()).toBe(0);
    expect(arriving).toBe(rows[0].n);
  });

  it('checks overdue rows against the queue every 30 s, not on every two-second pass', async () => {
    // Due an hour ago and queued: a backlog the workers have not reached (none run here).
    const placed = new Date(Date.now() - 2 * 3_600_000);
    for (let i = 0; i < 3; i++)
      expect(
        (await app.postEvent(sampleOrder(`DUE-${i}`, { email: `d${i}@example.com`, createdAt: placed }))).status,
      ).toBe(200);
    let lookups = 0;
    const queue = {
      ...app.queue,
      scheduleMany: (entries: { crossSellId: string; dueAt: Date }[]) => (
        (lookups += entries.length),
        app.queue.scheduleMany(entries)
      ),
    };
    const reconciler = new Reconciler({ pool: app.db.pool, queue, log: app.log, expireAfterMs: () => 86_400_000 });
    await reconciler.pass(); // the first pass of a process is a full one
    lookups = 0;
    expect(await reconciler.pass()).toBe(0);
    expect(lookups).toBe(0);
  });
});
