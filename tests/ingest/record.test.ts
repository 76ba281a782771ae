// Recording deliveries against real Postgres + Redis: duplicates, concurrency, any order of
// arrival, and a Redis outage that loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, services, startSmtpSink, until, sleep, type SmtpSink } from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';
import { explainOrder } from '../../src/explain/explain-order.js';

const skip = missing('postgres', 'redis');
const at = (iso: string) => new Date(iso).toISOString();

describe.skipIf(skip)('recording deliveries', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      workers: false,
      config: { timing: { default: { after: 'fulfilled', delay: '1h' }, quietHours: false } },
    });
  });
  afterAll(async () => app?.stop());

  const count = async (sql: string, params: unknown[] = []) =>
    (await app.db.pool.query(sql, params)).rows[0].n as number;

  it('the same delivery posted 50 times at once gives one order and one job', async () => {
    const event = { ...sampleOrder('C-50') };
    event.data.order.customer.email = 'fifty@example.com';
    await app.postEvent({
      type: 'order.fulfilled',
      data: { store: 'demo', orderId: 'C-50', at: new Date().toISOString() },
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => app.postEvent(event, { id: 'msg_same_delivery' })),
    );
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await count(`SELECT count(*)::int AS n FROM orders WHERE order_id = 'C-50'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM order_lines WHERE order_id = 'C-50'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM cross_sells WHERE order_id = 'C-50'`)).toBe(1);
    const { rows } = await app.db.pool.query(`SELECT id, status FROM cross_sells WHERE order_id = 'C-50'`);
    expect(rows[0].status).toBe('scheduled');
    const jobs = await app.queue.queue.getJobs(['delayed', 'waiting']);
    expect(jobs.filter((j) => j.data.crossSellId === String(rows[0].id))).toHaveLength(1);
    expect(jobs.find((j) => j.id === jobIdFor(rows[0].id))).toBeDefined();
  });

  it('the same order under two delivery ids gives one cross-sell', async () => {
    const event = sampleOrder('C-2');
    expect((await (await app.postEvent(event, { id: 'msg_a' })).json()).duplicate).toBeFalsy();
    expect((await (await app.postEvent(event, { id: 'msg_b' })).json()).duplicate).toBeFalsy();
    expect(await count(`SELECT count(*)::int AS n FROM cross_sells WHERE order_id = 'C-2'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM order_lines WHERE order_id = 'C-2'`)).toBe(1);
  });

  it('the final state is the same whatever the order of arrival', async () => {
    const events = (id: string) => [
      sampleOrder(id, { createdAt: new Date('2026-11-20T10:00:00Z') }),
      { type: 'order.paid', data: { store: 'demo', orderId: id, at: at('2026-11-20T10:05:00Z') } },
      { type: 'order.paid', data: { store: 'demo', orderId: id, at: at('2026-11-20T10:06:00Z') } },
      { type: 'order.fulfilled', data: { store: 'demo', orderId: id, at: at('2026-11-21T09:00:00Z') } },
    ];
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ];
    const finals = [];
    for (const [n, perm] of orders.entries()) {
      const id = `OOO-${n}`;
      const list = events(id);
      for (const i of perm) expect((await app.postEvent(list[i]!)).status).toBe(200);
      const { rows } = await app.db.pool.query(
        `SELECT o.created_at, o.paid_at, o.fulfilled_at, x.status, x.due_at FROM orders o JOIN cross_sells x USING (store, order_id) WHERE order_id = $1`,
        [id],
      );
      finals.push(rows[0]);
    }
    expect(finals[0]).toMatchObject({
      status: 'scheduled',
      paid_at: new Date('2026-11-20T10:05:00Z'),
      due_at: new Date('2026-11-21T10:00:00Z'),
    });
    for (const f of finals) expect(f).toEqual(finals[0]);
  });

  it('raw payloads are kept for the configured retention, then dropped', async () => {
    await app.postEvent(sampleOrder('PAY-1'), { id: 'msg_payload_kept' });
    const payload = async () =>
      (await app.db.pool.query(`SELECT payload FROM deliveries WHERE delivery_id = 'msg_payload_kept'`)).rows[0]
        .payload;
    expect(String(await payload())).toContain('"PAY-1"');
    await app.reconciler.sweepPayloads();
    expect(await payload()).not.toBeNull(); // younger than the 7-day default
    const kept = app.settings.config.ingest.payloadRetention;
    app.settings.config.ingest.payloadRetention = 1;
    try {
      await sleep(20);
      expect(await app.reconciler.sweepPayloads()).toBeGreaterThan(0);
      expect(await payload()).toBeNull();
      expect(await count(`SELECT count(*)::int AS n FROM orders WHERE order_id = 'PAY-1'`)).toBe(1);
    } finally {
      app.settings.config.ingest.payloadRetention = kept;
    }
  });

  it('cancelled before created ends cancelled, and an update after a refund does not revive it', async () => {
    await app.postEvent({
      type: 'order.cancelled',
      data: { store: 'demo', orderId: 'X-1', at: new Date().toISOString() },
    });
    await app.postEvent(sampleOrder('X-1'));
    expect((await explainOrder(app.db.pool, 'X-1'))[0]).toMatchObject({
      status: 'cancelled',
      reason: 'order_cancelled',
    });

    await app.postEvent(sampleOrder('X-2'));
    await app.postEvent({
      type: 'order.fulfilled',
      data: { store: 'demo', orderId: 'X-2', at: new Date().toISOString() },
    });
    await app.postEvent({
      type: 'order.refunded',
      data: {
        store: 'demo',
        orderId: 'X-2',
        at: new Date().toISOString(),
        lines: [{ productId: 'P1', quantity: 1, amount: '399.00' }],
      },
    });
    await app.postEvent({ type: 'order.paid', data: { store: 'demo', orderId: 'X-2', at: new Date().toISOString() } });
    expect((await explainOrder(app.db.pool, 'X-2'))[0]).toMatchObject({
      status: 'cancelled',
      reason: 'order_refunded',
    });
  });
});

describe.skipIf(skip)('a Redis outage mid-stream', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  let smtp: SmtpSink;
  beforeAll(async () => {
    proxy = await startTcpProxy(services().redis!);
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services',
      smtpUrl: smtp.url,
      env: { REDIS_URL: proxy.url },
      config: {
        timing: { default: { after: 'order', delay: '1s' }, quietHours: false, frequencyCap: { max: 100, per: '1d' } },
      },
    });
    for (const p of sampleProducts()) await app.postEvent(p);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
    await proxy?.close();
  });

  it('every webhook answered 200 during the outage is scheduled once Redis is back, none twice', async () => {
    const post = (i: number) => app.postEvent(sampleOrder(`R-${i}`, { email: `r${i}@example.com` }));
    for (let i = 0; i < 5; i++) expect((await post(i)).status).toBe(200);
    proxy.cut();
    await sleep(200);
    for (let i = 5; i < 25; i++) expect((await post(i)).status).toBe(200);
    await sleep(1_500);
    proxy.restore();
    for (let i = 25; i < 30; i++) expect((await post(i)).status).toBe(200);
    await smtp.waitFor(30, 30_000);
    await sleep(2_000);
    const recipients = smtp.messages.map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
    expect(new Set(recipients).size).toBe(30);
    expect(recipients).toHaveLength(30);
    await until(
      async () =>
        (await app.db.pool.query(`SELECT count(*)::int AS n FROM cross_sells WHERE status = 'sent'`)).rows[0].n === 30,
    );
  }, 60_000);
});
