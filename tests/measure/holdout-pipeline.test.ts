// The measurement group through the real pipeline (signed webhooks, Postgres, BullMQ, the worker,
// an SMTP sink): with holdout 0.5, forty customers' orders split by the keyed hash of their
// customer key; the held-out ones are decided and recorded with their items, never emailed,
// count for the frequency cap like an email, and explain and stats say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { isHeldOut } from '../../src/measure/holdout.js';
import { loadStats } from '../../src/stats/funnel.js';
import { parseConfig } from '../../src/config/load.js';

const config = {
  timing: { default: { after: 'order' as const, delay: '1s' }, quietHours: false as const },
  measure: { holdout: 0.5, window: '30d' },
};
const ORDERS = 40;
const email = (i: number) => `buyer${i}@example.com`;

describe.skipIf(missing('postgres', 'redis'))('holdout 0.5 through the pipeline', () => {
  let app: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', config, smtpUrl: smtp.url });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('about half are sent, the rest held out with their items and never emailed', async () => {
    for (let i = 0; i < ORDERS; i++)
      expect((await app.postEvent(sampleOrder(`H${i}`, { email: email(i) }))).status).toBe(200);
    const rows = await until(
      async () => {
        const { rows } = await app.db.pool.query<{
          orderId: string;
          key: string;
          status: string;
          items: { productId: string }[] | null;
          heldOutAt: Date | null;
          sentAt: Date | null;
        }>(
          `SELECT order_id AS "orderId", customer_key AS key, status, items, held_out_at AS "heldOutAt", sent_at AS "sentAt" FROM cross_sells ORDER BY order_id`,
        );
        return rows.length === ORDERS && rows.every((r) => r.status === 'sent' || r.status === 'held_out') && rows;
      },
      30_000,
      200,
    );
    const held = rows.filter((r) => r.status === 'held_out');
    const sent = rows.filter((r) => r.status === 'sent');
    // Each customer's group is the keyed draw of their customer key.
    for (const r of rows) expect(r.status).toBe(isHeldOut('demo', r.key, 0.5) ? 'held_out' : 'sent');
    expect(held.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    for (const r of held) {
      expect(r.items!.map((i) => i.productId)).toEqual(['P3', 'P2', 'P4']);
      expect(r.heldOutAt).not.toBeNull();
      expect(r.sentAt).toBeNull();
    }
    // Exactly the sent ones were emailed, and no held-out address received anything.
    await smtp.waitFor(sent.length, 10_000);
    const recipients = smtp.messages.map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
    expect(recipients).toHaveLength(sent.length);
    const heldEmails = held.map((r) => email(Number(r.orderId.slice(1))));
    for (const address of heldEmails) expect(recipients.some((to) => to.includes(address))).toBe(false);

    const [explained] = await explainOrder(app.db.pool, held[0]!.orderId, undefined, parseConfig(config));
    expect(explained).toMatchObject({ status: 'held_out', reason: null });
    expect(explained!.summary).toMatch(/held out/i);
    expect(explained!.summary).toContain('measurement group');

    const later = new Date(Date.now() + 31 * 86_400_000);
    const stats = await loadStats(app.db.pool, { now: later, measureWindowMs: 30 * 86_400_000 });
    expect(stats).toMatchObject({ sent: sent.length, heldOut: held.length });
    expect(stats.measure.periods).toEqual([{ store: 'demo', holdout: 0.5, since: expect.any(String) }]);
    expect(stats.measure.byCurrency.USD).toMatchObject({
      treated: { customers: sent.length },
      heldOut: { customers: held.length },
    });
  }, 60_000);

  it("a held-out customer's next order is capped as if they had been emailed", async () => {
    const before = smtp.messages.length;
    const { rows } = await app.db.pool.query<{ orderId: string }>(
      `SELECT order_id AS "orderId" FROM cross_sells WHERE status = 'held_out' ORDER BY order_id LIMIT 1`,
    );
    const i = Number(rows[0]!.orderId.slice(1));
    expect((await app.postEvent(sampleOrder(`H${i}-again`, { email: email(i) }))).status).toBe(200);
    const again = await until(
      async () =>
        (await explainOrder(app.db.pool, `H${i}-again`)).find(
          (e) => e.status !== 'waiting' && e.status !== 'scheduled',
        ),
      15_000,
      200,
    );
    expect(again).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect(smtp.messages.length).toBe(before);
  }, 30_000);
});
