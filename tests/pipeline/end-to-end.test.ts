// The walking skeleton, end to end on every set-up (one Redis, a 3-master Redis Cluster, the
// embedded defaults): signed webhooks in, exactly one email out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { headerValue, missing, services, startSmtpSink, until, sleep, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';

const config = {
  timing: { default: { after: 'order' as const, delay: '2s' }, quietHours: false as const },
};

const setups = {
  services: { title: 'Postgres + Redis + SMTP', needs: ['postgres', 'redis'] },
  cluster: { title: 'Postgres + a 3-master Redis Cluster + SMTP', needs: ['postgres', 'redisCluster'] },
  embedded: { title: 'the embedded defaults', needs: [] },
} as const;

for (const [setup, { title, needs }] of Object.entries(setups) as [
  keyof typeof setups,
  (typeof setups)[keyof typeof setups],
][]) {
  const skip = needs.length ? missing(...needs) : false;

  describe.skipIf(skip)(`pipeline on ${title}`, () => {
    let app: TestApp;
    let smtp: SmtpSink;

    beforeAll(async () => {
      smtp = await startSmtpSink();
      app =
        setup === 'cluster'
          ? await startTestApp({
              setup: 'services',
              config,
              smtpUrl: smtp.url,
              env: { REDIS_URL: services().redisCluster! },
            })
          : await startTestApp({ setup, config, smtpUrl: smtp.url });
      for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    });
    afterAll(async () => {
      await app?.stop();
      await smtp?.close();
    });

    it('a signed order with a 2 s delay becomes exactly one email naming the complements, on time', async () => {
      const before = smtp.messages.length;
      const event = sampleOrder('1001');
      const posted = Date.now();
      const res = await app.postEvent(event, { id: 'msg_order_1001' });
      expect(res.status).toBe(200);
      const [mail] = (await smtp.waitFor(before + 1, 8_000)).slice(before);
      const arrived = Date.now();
      expect(mail).toBeDefined();
      // Due 2 s after the order was placed; delivered within 3 s of that.
      expect(arrived - posted).toBeGreaterThanOrEqual(1_500);
      expect(arrived - (posted + 2_000)).toBeLessThan(3_000);
      expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toContain('ann@example.com');
      expect(mail!.text).toContain('HDMI 2.1 Cable');
      expect(mail!.text).toContain('Space Quest');
      expect(mail!.text).toContain('Pro Controller');
      expect(mail!.text).not.toMatch(/Console X\s*\n.*\$399/); // the bought product is not offered
      expect(headerValue(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(headerValue(mail!, 'List-Unsubscribe')).toMatch(/^<https:\/\/aftercart\.test\/u\/[\w.-]+>, <mailto:/);
      // The SMTP server has it; the send is recorded right after its answer.
      const explained = await until(
        async () => (await explainOrder(app.db.pool, '1001')).find((e) => e.status === 'sent'),
        3_000,
      );
      expect(explained!.items.map((i) => i.productId)).toEqual(['P3', 'P2', 'P4']);

      // A second delivery of the same webhook and a duplicated job send nothing more.
      const again = await app.postEvent(event, { id: 'msg_order_1001' });
      expect(await again.json()).toMatchObject({ duplicate: true });
      const { rows } = await app.db.pool.query(`SELECT id FROM cross_sells WHERE order_id = '1001'`);
      await app.queue.queue.add(
        'deliver',
        { crossSellId: String(rows[0].id) },
        { jobId: `${jobIdFor(rows[0].id)}-dup` },
      );
      await sleep(1_500);
      expect(smtp.messages.length).toBe(before + 1);
      expect(
        (await app.db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE delivery_id = 'msg_order_1001'`))
          .rows[0].n,
      ).toBe(1);
    });

    it('an order cancelled before its due time sends nothing and explain says cancelled', async () => {
      const before = smtp.messages.length;
      expect((await app.postEvent(sampleOrder('1002', { email: 'bob@example.com' }))).status).toBe(200);
      expect(
        (
          await app.postEvent({
            type: 'order.cancelled',
            data: { store: 'demo', orderId: '1002', at: new Date().toISOString() },
          })
        ).status,
      ).toBe(200);
      await sleep(3_500);
      expect(smtp.messages.length).toBe(before);
      const [explained] = await explainOrder(app.db.pool, '1002');
      expect(explained).toMatchObject({ status: 'cancelled', reason: 'order_cancelled' });
    });

    it('a bad signature gets 401 and writes nothing', async () => {
      const count = async () =>
        (await app.db.pool.query(`SELECT (SELECT count(*) FROM deliveries) + (SELECT count(*) FROM orders) AS n`))
          .rows[0].n;
      const before = await count();
      const res = await app.postEvent(sampleOrder('1003'), {
        secret: 'whsec_' + Buffer.from('wrong key, 24 bytes long').toString('base64'),
      });
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatch(/signature/i);
      const shop = await app.postShopify('orders/create', { id: 1 }, { hmac: 'AAAA' });
      expect(shop.status).toBe(401);
      expect(await count()).toBe(before);
    });

    it('waits for fulfilment when the default waits for it', async () => {
      // A per-test override: this order's product matches a rule that waits for fulfilment.
      app.settings.config.timing.rules = [{ when: { productId: ['P9'] }, after: 'fulfilled', delay: 1_000 } as never];
      try {
        await app.postEvent({
          type: 'product.upserted',
          data: {
            store: 'demo',
            product: { id: 'P9', title: 'Mattress', productType: 'Mattress', complements: [{ id: 'P2' }] },
          },
        });
        await app.postEvent(sampleOrder('1004', { email: 'cy@example.com', productId: 'P9' }));
        expect((await explainOrder(app.db.pool, '1004'))[0]!.status).toBe('waiting');
        const before = smtp.messages.length;
        await app.postEvent({
          type: 'order.fulfilled',
          data: { store: 'demo', orderId: '1004', at: new Date().toISOString() },
        });
        expect((await explainOrder(app.db.pool, '1004'))[0]!.status).toBe('scheduled');
        await smtp.waitFor(before + 1, 6_000);
        expect(smtp.messages.length).toBe(before + 1);
        await until(async () => (await explainOrder(app.db.pool, '1004'))[0]!.status === 'sent');
      } finally {
        app.settings.config.timing.rules = [];
      }
    });
  });
}
