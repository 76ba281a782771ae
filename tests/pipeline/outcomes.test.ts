// What happens after the decision: a return after scheduling is seen at send time, a later
// purchase of a recommended item converts with its revenue, and DKIM signs when configured.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { headerValue, missing, sleep, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { loadStats } from '../../src/stats/funnel.js';

const skip = missing('postgres', 'redis');
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe.skipIf(skip)('after the decision', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  const status = async (id: string) => (await explainOrder(app.db.pool, id))[0]!;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services',
      smtpUrl: smtp.url,
      env: { DKIM_DOMAIN: 'shop.example', DKIM_SELECTOR: 'ac1', DKIM_PRIVATE_KEY: privateKey },
      config: {
        timing: { default: { after: 'order', delay: '2s' }, quietHours: false, frequencyCap: { max: 10, per: '1d' } },
      },
    });
    for (const p of sampleProducts()) await app.postEvent(p);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('a customer who returns an item after the order was scheduled is skipped at send time', async () => {
    // An earlier order of two units, then a new one; both fine when the new one is scheduled.
    const earlier = sampleOrder('RET-1', {
      email: 'returner@example.com',
      productId: 'P2',
      createdAt: new Date(Date.now() - 86_400_000),
    });
    earlier.data.order.lines[0] = {
      ...earlier.data.order.lines[0]!,
      title: 'Space Quest',
      productType: 'Video Game',
      quantity: 2,
      unitPrice: '59.99',
    };
    await app.postEvent(earlier);
    await app.postEvent(sampleOrder('RET-2', { email: 'returner@example.com' }));
    expect((await status('RET-2')).status).toBe('scheduled');
    // Both units of the earlier order come back: 2 of 3 units returned > 30%, over 2 orders.
    await app.postEvent({
      type: 'order.refunded',
      data: {
        store: 'demo',
        orderId: 'RET-1',
        at: new Date().toISOString(),
        lines: [{ productId: 'P2', quantity: 2, amount: '119.98' }],
      },
    });
    const decided = await until(async () => {
      const s = await status('RET-2');
      return s.status === 'skipped' && s;
    }, 10_000);
    expect(decided.reason).toBe('high_return_rate');
    expect(decided.figures).toMatchObject({ orders: 2, unitsBought: 3, unitsReturned: 2 });
    expect(smtp.messages.some((m) => (m.to && 'text' in m.to ? m.to.text : '') === 'returner@example.com')).toBe(false);
  });

  it('a later order with a recommended product converts, with its revenue in stats', async () => {
    const before = smtp.messages.length;
    await app.postEvent(sampleOrder('CONV-1', { email: 'buyer@example.com' }));
    await smtp.waitFor(before + 1, 8_000);
    const mail = smtp.messages[before]!;
    // DKIM: the message carries a signature for the configured domain and selector.
    expect(headerValue(mail, 'DKIM-Signature')).toMatch(/d=shop\.example;.*s=ac1;/s);
    await until(async () => (await status('CONV-1')).status === 'sent');

    // Two days later the customer buys the game the email recommended, and a cable it did not.
    const later = sampleOrder('CONV-2', { email: 'buyer@example.com', productId: 'P2' });
    later.data.order.lines = [
      { productId: 'P2', title: 'Space Quest', productType: 'Video Game', quantity: 2, unitPrice: '59.99' },
      { productId: 'P9', title: 'Gift wrap', productType: 'Service', quantity: 1, unitPrice: '4.00' },
    ];
    await app.postEvent(later);
    const { rows } = await app.db.pool.query(
      `SELECT c.order_id, c.revenue::text, c.currency FROM conversions c JOIN cross_sells x ON x.id = c.cross_sell_id WHERE x.order_id = 'CONV-1'`,
    );
    expect(rows).toEqual([{ order_id: 'CONV-2', revenue: '119.98', currency: 'USD' }]);
    const stats = await loadStats(app.db.pool);
    expect(stats.converted).toBeGreaterThanOrEqual(1);
    expect(stats.attributedRevenue.USD).toBe('119.98');

    // Outside the attribution window (7 days by default) nothing converts.
    await sleep(10);
    const late = sampleOrder('CONV-3', {
      email: 'buyer@example.com',
      productId: 'P4',
      createdAt: new Date(Date.now() + 8 * 86_400_000),
    });
    await app.postEvent(late);
    expect(
      (await app.db.pool.query(`SELECT count(*)::int AS n FROM conversions WHERE order_id = 'CONV-3'`)).rows[0].n,
    ).toBe(0);
  });
});
