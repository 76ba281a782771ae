// A job Redis lost without anyone noticing (the queue's keys flushed, no failed enqueue to say
// so): Postgres still holds the scheduled row, and the reconciler's overdue pass re-adds its job
// once it is overdue by the threshold (a minute in production, two seconds here). Sent once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sampleOrder, sampleProducts, startTestApp, type TestApp } from '../support/app.js';
import { missing, services, sleep, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { Reconciler } from '../../src/queue/reconciler.js';
import { connectRedis } from '../../src/queue/redis-connection.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';

const OVERDUE_MS = 2_000;

describe.skipIf(missing('postgres', 'redis'))('a job Redis lost', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  let redis: Redis;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services',
      smtpUrl: smtp.url,
      config: {
        timing: { default: { after: 'order', delay: '2s' }, quietHours: false, frequencyCap: { max: 100, per: '1d' } },
      },
    });
    // Only this test's reconciler runs: the app's own would re-add the job a minute late.
    app.reconciler.stop();
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    redis = connectRedis(services().redis!) as Redis;
  });
  afterAll(async () => {
    redis?.disconnect();
    await app?.stop();
    await smtp?.close();
  });

  /** Every key of this app's queue deleted, as a Redis flushed (or failed over without them) would. */
  async function flushQueue(): Promise<number> {
    const keys = await redis.keys(`${app.settings.env.QUEUE_PREFIX}*`);
    return keys.length > 0 ? redis.del(...keys) : 0;
  }
  const copiesTo = (email: string) => smtp.messages.filter((m) => m.to && 'text' in m.to && m.to.text === email).length;

  it('is re-added once overdue by the threshold, and its email is sent exactly once', async () => {
    const reconciler = new Reconciler({
      pool: app.db.pool,
      queue: app.queue,
      log: app.log,
      expireAfterMs: () => 86_400_000,
      overdueAfterMs: OVERDUE_MS,
      overdueCheckMs: 0,
    });
    await reconciler.pass(); // a process's first pass is a full one; the overdue passes follow
    expect((await app.postEvent(sampleOrder('LOST-1', { email: 'lost@example.com' }))).status).toBe(200);
    const { rows } = await app.db.pool.query<{ id: string; due_at: Date }>(
      `SELECT id, due_at FROM cross_sells WHERE order_id = 'LOST-1'`,
    );
    const { id, due_at: dueAt } = rows[0]!;
    expect(await app.queue.queue.getJob(jobIdFor(id))).toBeDefined();
    expect(await flushQueue()).toBeGreaterThan(0);
    expect(await app.queue.queue.getJob(jobIdFor(id))).toBeUndefined();

    // Due, but not yet overdue by the threshold: nothing is re-added, nothing sent.
    await sleep(dueAt.getTime() + 300 - Date.now());
    expect(await reconciler.pass()).toBe(0);
    expect(await app.queue.queue.getJob(jobIdFor(id))).toBeUndefined();
    expect(copiesTo('lost@example.com')).toBe(0);

    // Overdue by the threshold: the row is still scheduled, its job comes back and is sent.
    await sleep(dueAt.getTime() + OVERDUE_MS + 300 - Date.now());
    expect(await crossSellStatus(id)).toBe('scheduled');
    expect(await reconciler.pass()).toBe(1);
    await until(async () => (await crossSellStatus(id)) === 'sent', 10_000);

    // Later passes find nothing to put back: one email, never a second.
    expect(await reconciler.pass()).toBe(0);
    await sleep(1_000);
    expect(copiesTo('lost@example.com')).toBe(1);
  });

  async function crossSellStatus(id: string): Promise<string> {
    return (await app.db.pool.query(`SELECT status FROM cross_sells WHERE id = $1`, [id])).rows[0].status;
  }
});
