// REDIS_URL naming a Redis Cluster: the URL form, the hash-tag rule, and the queue on a real
// 3-master cluster on loopback (scripts/services.sh): keys in one slot, readiness, and the
// reconciler putting back a job the queue lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, services, sleep, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { parseEnv } from '../../src/config/load.js';
import { connectRedis, hasHashTag, parseRedisUrl } from '../../src/queue/redis-connection.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';

describe('REDIS_URL', () => {
  it('names one Redis or a cluster by its nodes, with optional credentials and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/0')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379/0' });
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7001,10.0.0.2:7002,redis-3')).toEqual({
      kind: 'cluster',
      tls: false,
      nodes: [
        { host: '10.0.0.1', port: 7001 },
        { host: '10.0.0.2', port: 7002 },
        { host: 'redis-3', port: 6379 },
      ],
    });
    expect(parseRedisUrl('rediss+cluster://app:p%40ss@[::1]:7001,h2:7002/')).toEqual({
      kind: 'cluster',
      tls: true,
      username: 'app',
      password: 'p@ss',
      nodes: [
        { host: '::1', port: 7001 },
        { host: 'h2', port: 7002 },
      ],
    });
  });

  it('refuses a malformed URL with one line naming the variable and the form, never the password', () => {
    const env = (REDIS_URL: string, QUEUE_PREFIX?: string) => () =>
      parseEnv({ REDIS_URL, ...(QUEUE_PREFIX ? { QUEUE_PREFIX } : {}) });
    expect(env('http://127.0.0.1:6379')).toThrow(/REDIS_URL.*redis\+cluster:\/\/host:port,host:port/);
    expect(env('redis+cluster://')).toThrow(/REDIS_URL: expected at least one host:port/);
    expect(env('redis+cluster://u:secret@h1:7001,h2:99999')).toThrow(
      /REDIS_URL: expected host:port in redis\+cluster:\/\/, got "h2:99999"/,
    );
    expect(env('redis+cluster://u:secret@h1:x')).toThrow(/^[^\n]*got "h1:x"$/);
    expect(env('redis+cluster://u:secret@h1:x')).not.toThrow(/secret/);
    expect(parseEnv({ REDIS_URL: 'redis+cluster://h1:7001,h2:7002' }).REDIS_URL).toBe(
      'redis+cluster://h1:7001,h2:7002',
    );
  });

  it('on a cluster, QUEUE_PREFIX must hold a hash tag so each queue stays in one slot', () => {
    expect(() => parseEnv({ REDIS_URL: 'redis+cluster://h1:7001', QUEUE_PREFIX: 'aftercart' })).toThrow(
      /QUEUE_PREFIX: on a Redis Cluster the prefix needs a hash tag/,
    );
    expect(() => parseEnv({ REDIS_URL: 'redis+cluster://h1:7001', QUEUE_PREFIX: '{}x{a}' })).toThrow(/QUEUE_PREFIX/);
    expect(parseEnv({ REDIS_URL: 'redis+cluster://h1:7001' }).QUEUE_PREFIX).toBe('{aftercart}');
    expect(parseEnv({ REDIS_URL: 'redis://h1:6379', QUEUE_PREFIX: 'aftercart' }).QUEUE_PREFIX).toBe('aftercart');
    expect([hasHashTag('{shop-1}:q'), hasHashTag('x{}'), hasHashTag('a}{b')]).toEqual([true, false, false]);
  });
});

describe.skipIf(missing('postgres', 'redisCluster'))('the queue on a 3-master Redis Cluster', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  let cluster: Cluster;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services',
      smtpUrl: smtp.url,
      env: { REDIS_URL: services().redisCluster! },
      config: {
        timing: { default: { after: 'order', delay: '2s' }, quietHours: false, frequencyCap: { max: 100, per: '1d' } },
      },
    });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    cluster = connectRedis(services().redisCluster!) as Cluster;
  });
  afterAll(async () => {
    cluster?.disconnect();
    await app?.stop();
    await smtp?.close();
  });

  /** How many of the prefix's keys each master holds. */
  async function keysPerMaster(): Promise<number[]> {
    const prefix = app.settings.env.QUEUE_PREFIX;
    return Promise.all(cluster.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length));
  }

  it('is ready, and keeps every key of the queue on one master', async () => {
    const ready = await fetch(`${app.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, queue: 'redis' });
    expect(await app.postEvent(sampleOrder('CL-1', { email: 'cl1@example.com' }))).toHaveProperty('status', 200);
    const perMaster = await keysPerMaster();
    expect(perMaster).toHaveLength(3);
    expect(perMaster.filter((n) => n > 0)).toHaveLength(1);
    await smtp.waitFor(1, 10_000);
    expect(smtp.messages).toHaveLength(1);
  });

  it('the reconciler re-adds a job the cluster lost, and it is sent once', async () => {
    const before = smtp.messages.length;
    expect((await app.postEvent(sampleOrder('CL-2', { email: 'cl2@example.com' }))).status).toBe(200);
    const { rows } = await app.db.pool.query(`SELECT id FROM cross_sells WHERE order_id = 'CL-2'`);
    const jobId = jobIdFor(rows[0].id);
    expect(await app.queue.queue.getJob(jobId)).toBeDefined();
    await app.queue.remove(String(rows[0].id));
    expect(await app.queue.queue.getJob(jobId)).toBeUndefined();
    await sleep(3_000);
    expect(smtp.messages.length).toBe(before);

    app.reconciler.noteMissedEnqueue();
    await smtp.waitFor(before + 1, 10_000);
    await sleep(1_500);
    expect(smtp.messages.slice(before).map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual([
      'cl2@example.com',
    ]);
    await until(
      async () =>
        (await app.db.pool.query(`SELECT status FROM cross_sells WHERE id = $1`, [rows[0].id])).rows[0].status ===
        'sent',
    );
  }, 30_000);
});
