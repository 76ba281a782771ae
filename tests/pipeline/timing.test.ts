// Send timing with the real queue and clock (delays compressed to seconds).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, sleep, until, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { parseConfig } from '../../src/config/load.js';
import { reschedule } from '../../src/reschedule/reschedule.js';

const skip = missing('postgres', 'redis');
const baseConfig = {
  timing: {
    default: { after: 'fulfilled' as const, delay: '1s' },
    rules: [{ when: { productType: ['Video Game Console'] }, after: 'order' as const, delay: '2s' }],
    quietHours: false as const,
  },
};

describe.skipIf(skip)('send timing on the real queue', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  const to = (i: number) => {
    const t = smtp.messages[i]!.to;
    return t && 'text' in t ? t.text : '';
  };
  const status = async (id: string) => (await explainOrder(app.db.pool, id))[0];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', smtpUrl: smtp.url, config: baseConfig });
    for (const p of sampleProducts()) await app.postEvent(p);
    await app.postEvent({
      type: 'product.upserted',
      data: {
        store: 'demo',
        product: {
          id: 'P5',
          title: 'Studio Headset',
          productType: 'Headset',
          price: '129.00',
          complements: [{ id: 'P6' }, { id: 'P4' }],
        },
      },
    });
    await app.postEvent({
      type: 'product.upserted',
      data: {
        store: 'demo',
        product: {
          id: 'P6',
          title: 'Headset Stand',
          productType: 'Stand',
          price: '24.99',
          url: 'https://shop.example/p/P6',
        },
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });
  beforeEach(() => {
    app.settings.config = parseConfig(baseConfig);
  });

  const headsetOrder = (id: string, email: string) => {
    const e = sampleOrder(id, { email, productId: 'P5' });
    e.data.order.lines[0] = {
      ...e.data.order.lines[0]!,
      title: 'Studio Headset',
      productType: 'Headset',
      unitPrice: '129.00',
    };
    return e;
  };

  it('a console order is due within its rule while the default waits for fulfilment', async () => {
    const before = smtp.messages.length;
    await app.postEvent(sampleOrder('T-1', { email: 'console@example.com' }));
    await app.postEvent(headsetOrder('T-2', 'headset@example.com'));
    expect(await status('T-1')).toMatchObject({ status: 'scheduled', trigger: 'order', rule: { index: 0 } });
    expect(await status('T-2')).toMatchObject({ status: 'waiting' });
    await smtp.waitFor(before + 1, 6_000);
    await sleep(1_500);
    expect(smtp.messages.slice(before).map((_, i) => to(before + i))).toEqual(['console@example.com']);
    expect(await status('T-2')).toMatchObject({ status: 'waiting' });

    await app.postEvent({
      type: 'order.fulfilled',
      data: { store: 'demo', orderId: 'T-2', at: new Date().toISOString() },
    });
    expect(await status('T-2')).toMatchObject({ status: 'scheduled', trigger: 'fulfilled', rule: { index: null } });
    await smtp.waitFor(before + 2, 6_000);
    expect(to(before + 1)).toBe('headset@example.com');
  });

  it('two orders within the cap window give one email, with items for both and nothing from either', async () => {
    const before = smtp.messages.length;
    await app.postEvent(sampleOrder('F-1', { email: 'twice@example.com' }));
    await app.postEvent({ ...headsetOrder('F-2', 'twice@example.com') });
    await app.postEvent({
      type: 'order.fulfilled',
      data: { store: 'demo', orderId: 'F-2', at: new Date().toISOString() },
    });
    await smtp.waitFor(before + 1, 6_000);
    await sleep(3_000);
    const mails = smtp.messages.slice(before);
    expect(mails).toHaveLength(1);
    const text = mails[0]!.text ?? '';
    expect(text).toContain('HDMI 2.1 Cable'); // for the console
    expect(text).toContain('Headset Stand'); // for the headset
    expect(text).not.toMatch(/\n\s*Studio Headset\s*\n/); // nothing they just bought is offered
    const [first, second] = [await status('F-1'), await status('F-2')];
    // Whichever came due first sent the email; the other order is marked served by it.
    expect(first!.status).toBe('sent');
    expect(second).toMatchObject({ status: 'sent', messageId: first!.messageId });
    expect([first!.servedBy, second!.servedBy].sort()).toEqual([first!.servedBy ? 'F-2' : 'F-1', null].sort());

    // A third order inside the 14-day cap window gets no second email.
    await app.postEvent(sampleOrder('F-3', { email: 'twice@example.com' }));
    await until(async () => (await status('F-3'))!.status === 'skipped', 8_000);
    expect(await status('F-3')).toMatchObject({ reason: 'frequency_cap' });
  });

  it('a due time that moved later is re-delayed at send time instead of sent', async () => {
    const before = smtp.messages.length;
    await app.postEvent(sampleOrder('D-1', { email: 'later@example.com' }));
    // The store lengthens the console rule before the job comes due.
    app.settings.config = parseConfig({
      ...baseConfig,
      timing: {
        ...baseConfig.timing,
        rules: [{ when: { productType: ['Video Game Console'] }, after: 'order', delay: '1h' }],
      },
    });
    // At its old due time (2 s) the worker re-decides: the row moves an hour on, its job with it.
    const jobId = `xs-${(await app.db.pool.query(`SELECT id FROM cross_sells WHERE order_id = 'D-1'`)).rows[0].id}`;
    const d = await until(async () => {
      const row = await status('D-1');
      const moved = row?.dueAt && new Date(row.dueAt).getTime() > Date.now() + 50 * 60_000;
      return moved && (await (await app.queue.queue.getJob(jobId))?.isDelayed()) ? row : undefined;
    }, 8_000);
    expect(smtp.messages.length).toBe(before);
    expect(d.status).toBe('scheduled');
  });

  it('reschedule after a config change moves pending jobs (dry run first)', async () => {
    app.settings.config = parseConfig({
      ...baseConfig,
      timing: {
        ...baseConfig.timing,
        rules: [{ when: { productType: ['Video Game Console'] }, after: 'order', delay: '1h' }],
      },
    });
    await app.postEvent(sampleOrder('S-1', { email: 'resched@example.com' }));
    const before = smtp.messages.length;
    const faster = parseConfig(baseConfig).timing;
    const dry = await reschedule({ pool: app.db.pool, timing: faster, now: new Date(), apply: false });
    const change = dry.changes.find((c) => c.orderId === 'S-1')!;
    expect(change.from.status).toBe('scheduled');
    expect(new Date(change.to.dueAt!).getTime()).toBeLessThan(new Date(change.from.dueAt!).getTime());
    expect((await status('S-1'))!.dueAt).toBe(change.from.dueAt); // a dry run stores nothing
    app.settings.config = parseConfig(baseConfig);
    await reschedule({ pool: app.db.pool, timing: faster, now: new Date(), apply: true, queue: app.queue });
    await smtp.waitFor(before + 1, 8_000);
    expect(smtp.messages.slice(before).map((_, i) => to(before + i))).toContain('resched@example.com');
  });

  it("a learned delay comes from the store's own history and explain shows the figure", async () => {
    // History: five customers bought a headset and its stand three days later.
    for (let i = 0; i < 5; i++) {
      const t0 = new Date(Date.UTC(2026, 5, 1 + i));
      await app.db.pool.query(
        `INSERT INTO orders (store, order_id, customer_key, created_at, currency, from_history) VALUES
           ('demo', $1, $3, $4, 'USD', true), ('demo', $2, $3, $5, 'USD', true)`,
        [`H-${i}-a`, `H-${i}-b`, `c-hist${i}`, t0, new Date(t0.getTime() + 3 * 86_400_000)],
      );
      await app.db.pool.query(
        `INSERT INTO order_lines (store, order_id, line_no, product_id, title, product_type, quantity, unit_price) VALUES
           ('demo', $1, 1, 'P5', 'Studio Headset', 'Headset', 1, 129), ('demo', $2, 1, 'P6', 'Headset Stand', 'Stand', 1, 24.99)`,
        [`H-${i}-a`, `H-${i}-b`],
      );
    }
    app.settings.config = parseConfig({
      timing: {
        default: { after: 'order', delay: 'learned' },
        quietHours: false,
        learned: { minSamples: 3, floor: '1h', ceiling: '30d' },
      },
    });
    await app.postEvent(headsetOrder('L-1', 'learned@example.com'));
    const d = await status('L-1');
    expect(d!.status).toBe('scheduled');
    expect(d!.timing).toMatchObject({ learned: { medianMs: 3 * 86_400_000, samples: 5, used: 'median' } });
  });
});
