// What would grow without bound is kept only for its retention: delivery ids past
// ingest.deliveryRetention are deleted by the reconciler's sweep (recent ones kept, and the
// orders they brought stay), and the queue keeps JOB_KEEP_FAILED failed jobs, not every one.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, type TestApp } from '../support/app.js';
import { missing, services, uniquePrefix, until } from '../support/services.js';
import { openQueue } from '../../src/queue/cross-sell-queue.js';

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('retention of deliveries', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      workers: false,
      config: {
        timing: { default: { after: 'fulfilled', delay: '1h' }, quietHours: false },
        ingest: { deliveryRetention: '30d' },
      },
    });
  });
  afterAll(async () => app?.stop());

  const deliveries = async () =>
    (
      await app.db.pool.query<{ delivery_id: string }>(
        `SELECT delivery_id FROM deliveries WHERE delivery_id LIKE 'msg_ret_%' ORDER BY delivery_id`,
      )
    ).rows.map((r) => r.delivery_id);

  it('deletes deliveries older than ingest.deliveryRetention, keeps younger ones and every order', async () => {
    for (const [id, order] of [
      ['msg_ret_old1', 'RET-1'],
      ['msg_ret_old2', 'RET-2'],
      ['msg_ret_edge', 'RET-3'],
      ['msg_ret_new', 'RET-4'],
    ] as const) {
      expect((await app.postEvent(sampleOrder(order), { id })).status).toBe(200);
    }
    await app.db.pool.query(
      `UPDATE deliveries SET received_at = now() - interval '40 days' WHERE delivery_id LIKE 'msg_ret_old%'`,
    );
    await app.db.pool.query(
      `UPDATE deliveries SET received_at = now() - interval '29 days' WHERE delivery_id = 'msg_ret_edge'`,
    );

    // Batches of one: the sweep goes on until nothing old is left.
    expect(await app.reconciler.sweepDeliveries(1)).toBe(2);
    expect(await deliveries()).toEqual(['msg_ret_edge', 'msg_ret_new']);
    const { rows } = await app.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE order_id LIKE 'RET-%'`);
    expect(rows[0].n).toBe(4);
    expect(await app.reconciler.sweepDeliveries()).toBe(0);
  });

  it('the retention is read from the config in force', async () => {
    app.settings.config.ingest.deliveryRetention = 28 * 86_400_000;
    try {
      expect(await app.reconciler.sweepDeliveries()).toBe(1);
      expect(await deliveries()).toEqual(['msg_ret_new']);
    } finally {
      app.settings.config.ingest.deliveryRetention = 30 * 86_400_000;
    }
  });
});

describe.skipIf(skip)('retention of finished jobs', () => {
  it('keeps the newest JOB_KEEP_FAILED failed jobs and no completed one', async () => {
    const queue = await openQueue({
      redisUrl: services().redis!,
      prefix: uniquePrefix(),
      db: {} as never,
      retry: { attempts: 1, backoffMs: 0, keepCompleted: 0, keepFailed: 2 },
    });
    const worker = queue.createWorker(
      async (job) => {
        if (Number(job.data.crossSellId) % 2 === 0) throw new Error('failed on purpose');
      },
      { concurrency: 1 },
    );
    try {
      const base = randomBytes(2).readUInt16BE(0) * 10;
      for (let i = 0; i < 10; i++) await queue.schedule(String(base + i), new Date());
      await until(
        async () =>
          (await queue.queue.getJobCounts('wait', 'active', 'delayed')).wait === 0 &&
          (await queue.queue.getJobCounts('active')).active === 0 &&
          (await queue.queue.getJobCounts('delayed')).delayed === 0,
        20_000,
        100,
      );
      await until(async () => (await queue.queue.getJobCounts('completed', 'failed')).failed === 2, 5_000, 100);
      expect(await queue.queue.getJobCounts('completed', 'failed')).toEqual({ completed: 0, failed: 2 });
      const kept = (await queue.queue.getFailed()).map((j) => Number(j.data.crossSellId)).sort((a, b) => a - b);
      expect(kept).toEqual([base + 6, base + 8]);
    } finally {
      await worker.close();
      await queue.queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});
