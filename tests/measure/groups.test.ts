// The measurement on real PostgreSQL. Exact figures for a hand-made store (net of refunds,
// cancellations, the window, the holdout period, maturing customers), held-out emails counting for
// the frequency cap and as offered, then the coverage check: a synthetic store with a known
// true effect, 20 seeds, and the reported 95% intervals must cover it in at least 17.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { missing } from '../support/services.js';
import { migratedPool } from '../import/support.js';
import { loadMeasure } from '../../src/measure/measure.js';
import { loadStats } from '../../src/stats/funnel.js';
import { recordHoldoutPeriod } from '../../src/measure/holdout.js';
import { queryRunner } from '../../src/db/sql.js';

const DAY = 86_400_000;
const NOW = new Date('2027-03-01T12:00:00Z');
const WINDOW = 30 * DAY;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const later = (at: Date, days: number) => new Date(at.getTime() + days * DAY);

interface Customer {
  key: string;
  status: 'sent' | 'held_out';
  at: Date;
  orders: {
    id: string;
    at: Date;
    total: number;
    product: string;
    refunded?: number;
    refundedInFull?: boolean;
    cancelled?: boolean;
  }[];
}

/** Bulk-writes customers: a trigger order, its cross-sell (items P2), and the orders after it. */
async function seedCustomers(pool: pg.Pool, store: string, customers: Customer[]): Promise<void> {
  const orders = customers.flatMap((c) => [
    {
      id: `${c.key}-0`,
      key: c.key,
      at: later(c.at, -3),
      total: 10,
      product: 'P1',
      refunded: 0,
      refundedInFull: false,
      cancelled: false,
    },
    ...c.orders.map((o) => ({ refunded: 0, refundedInFull: false, cancelled: false, ...o, key: c.key })),
  ]);
  await pool.query(
    `INSERT INTO orders (store, order_id, customer_key, created_at, currency, total, refunded_amount, refunded_at, cancelled_at)
     SELECT $1, o.id, o.key, o.at, 'USD', o.total, o.refunded, CASE WHEN o.in_full THEN o.at END, CASE WHEN o.cancelled THEN o.at END
       FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::numeric[], $6::numeric[], $7::boolean[], $8::boolean[])
         AS o(id, key, at, total, refunded, in_full, cancelled)`,
    [
      store,
      orders.map((o) => o.id),
      orders.map((o) => o.key),
      orders.map((o) => o.at),
      orders.map((o) => o.total),
      orders.map((o) => o.refunded),
      orders.map((o) => o.refundedInFull),
      orders.map((o) => o.cancelled),
    ],
  );
  await pool.query(
    `INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price)
     SELECT $1, o.id, 1, o.product, o.product, 1, o.total FROM unnest($2::text[], $3::text[], $4::numeric[]) AS o(id, product, total)`,
    [store, orders.map((o) => o.id), orders.map((o) => o.product), orders.map((o) => o.total)],
  );
  await pool.query(
    `INSERT INTO cross_sells (store, order_id, customer_key, status, due_at, sent_at, held_out_at, message_id, items)
     SELECT $1, c.key || '-0', c.key, c.status, c.at, CASE WHEN c.status = 'sent' THEN c.at END,
            CASE WHEN c.status = 'held_out' THEN c.at END, CASE WHEN c.status = 'sent' THEN '<' || c.key || '@x>' END,
            '[{"productId": "P2"}]'
       FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS c(key, status, at)`,
    [store, customers.map((c) => c.key), customers.map((c) => c.status), customers.map((c) => c.at)],
  );
}

const skip = missing('postgres');

describe.skipIf(skip)('measurement on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await migratedPool();
    pool = db.pool;
  });
  afterAll(async () => db?.close());

  it('counts each group exactly: net of refunds, within the window, in the current holdout period only', async () => {
    await pool.query(
      `INSERT INTO holdout_periods (store, holdout, started_at) VALUES ('exact', 0.1, $1), ('exact', 0.5, $2), ('exact', 0.5, $3)`,
      [ago(120), ago(90), ago(80)],
    );
    const at = ago(40);
    await seedCustomers(pool, 'exact', [
      {
        key: 'e-a',
        status: 'sent',
        at,
        orders: [{ id: 'a1', at: later(at, 5), total: 100, product: 'P2', refunded: 30 }],
      },
      {
        key: 'e-b',
        status: 'sent',
        at,
        orders: [{ id: 'b1', at: later(at, 5), total: 60, product: 'P2', cancelled: true }],
      },
      { key: 'e-c', status: 'sent', at, orders: [{ id: 'c1', at: later(at, 31), total: 80, product: 'P2' }] }, // after the window
      {
        key: 'e-d',
        status: 'sent',
        at,
        orders: [{ id: 'd1', at: later(at, 2), total: 40, product: 'P2', refunded: 40, refundedInFull: true }],
      },
      { key: 'e-e', status: 'held_out', at, orders: [{ id: 'e1', at: later(at, 9), total: 50, product: 'P7' }] },
      { key: 'e-f', status: 'held_out', at, orders: [] },
      { key: 'e-g', status: 'held_out', at: ago(5), orders: [] }, // window not over
      { key: 'e-h', status: 'sent', at: ago(95), orders: [{ id: 'h1', at: ago(94), total: 500, product: 'P2' }] }, // under the old share
    ]);
    const m = await loadMeasure(pool, { store: 'exact', since: null, now: NOW, windowMs: WINDOW });
    expect(m.periods).toEqual([{ store: 'exact', holdout: 0.5, since: ago(90).toISOString() }]);
    expect(m.byCurrency.USD!.treated).toEqual({
      customers: 4,
      reordered: 1,
      reorderRate: 0.25,
      revenue: 70,
      revenuePerCustomer: 17.5,
      recommendedOrders: 1,
      maturing: 0,
    });
    expect(m.byCurrency.USD!.heldOut).toEqual({
      customers: 2,
      reordered: 1,
      reorderRate: 0.5,
      revenue: 50,
      revenuePerCustomer: 25,
      recommendedOrders: 0,
      maturing: 1,
    });
    expect(m.byCurrency.USD!.incrementalPerEmail!.estimate).toBeCloseTo(-7.5, 9);
    expect(m.byCurrency.USD!.incrementalTotal!.estimate).toBeCloseTo(-30, 9);
    expect(m.byCurrency.USD!.verdict).toMatch(
      /^−\$7\.50 per email, 95% CI −\$[\d,.]+ to \+\$[\d,.]+: not yet conclusive/,
    );
    // --since narrows the period: nobody emailed since yesterday has a full window.
    expect((await loadMeasure(pool, { store: 'exact', since: ago(1), now: NOW, windowMs: WINDOW })).byCurrency).toEqual(
      {},
    );
  });

  it('attributed revenue and conversions are net of refunds; stats counts the held out', async () => {
    const x = (key: string) =>
      pool
        .query<{ id: string }>(`SELECT id FROM cross_sells WHERE customer_key = $1`, [key])
        .then((r) => r.rows[0]!.id);
    await pool.query(
      `INSERT INTO conversions (cross_sell_id, store, order_id, revenue, currency, converted_at) VALUES
      ($1, 'exact', 'a1', 100, 'USD', now()), ($2, 'exact', 'd1', 40, 'USD', now()), ($3, 'exact', 'h1', 500, 'USD', now())`,
      [await x('e-a'), await x('e-d'), await x('e-h')],
    );
    await pool.query(
      `UPDATE order_lines SET returned_amount = 30, returned_quantity = 0 WHERE store = 'exact' AND order_id = 'a1'`,
    );
    const s = await loadStats(pool, { store: 'exact', now: NOW, measureWindowMs: WINDOW });
    expect(s.attributedRevenue).toEqual({ USD: '570.00' }); // a1 100 − 30 refunded, d1 refunded in full, h1 500
    expect(s.converted).toBe(2);
    expect(s.heldOut).toBe(3);
    expect(s.measure.byCurrency.USD!.treated.customers).toBe(4);
  });

  it('a changed share starts a new period: stats says from when', async () => {
    const run = queryRunner(pool, false);
    await recordHoldoutPeriod(pool, run, 'moving', 0.1, ago(50));
    await recordHoldoutPeriod(pool, run, 'moving', 0.1, ago(40)); // the same share: nothing new
    expect((await loadMeasure(pool, { store: 'moving', since: null, now: NOW })).periods).toEqual([
      { store: 'moving', holdout: 0.1, since: ago(50).toISOString() },
    ]);
    await recordHoldoutPeriod(pool, run, 'moving', 0.2, ago(30));
    await recordHoldoutPeriod(pool, run, 'moving', 0.1, ago(20));
    expect((await loadMeasure(pool, { store: 'moving', since: null, now: NOW })).periods).toEqual([
      { store: 'moving', holdout: 0.1, since: ago(20).toISOString() },
    ]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM holdout_periods WHERE store = 'moving'`)).rows[0].n).toBe(
      3,
    );
  });

  it('a held-out email counts for the frequency cap and as offered, like a sent one', async () => {
    const figures = await pool.query(`SELECT customer_figures('exact', 'e-g', 'none', 0, 0, $1, $2, false) AS f`, [
      14 * DAY,
      NOW,
    ]);
    expect(figures.rows[0].f.recentEmails).toBe(1);
    const context = await pool.query(`SELECT customer_context('exact', 'e-g', ARRAY['other']) AS c`);
    expect(context.rows[0].c.offered).toEqual(['P2']);
  });

  it('covers the true effect in at least 17 of 20 seeded stores, and zero when there is none', async () => {
    const scenarios = [
      { name: 'effect', treated: 0.12, heldOut: 0.08 },
      { name: 'none', treated: 0.1, heldOut: 0.1 },
    ];
    for (const sc of scenarios) {
      // Revenue per reorder uniform over $20.00..$80.00 (mean $50): the true effect per email.
      const trueRevenue = (sc.treated - sc.heldOut) * 50;
      let revenueCovered = 0;
      let rateCovered = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const store = `${sc.name}-${seed}`;
        await pool.query(`INSERT INTO holdout_periods (store, holdout, started_at) VALUES ($1, 0.5, $2)`, [
          store,
          ago(100),
        ]);
        await seedCustomers(pool, store, syntheticCustomers(store, seed, sc));
        const c = (await loadMeasure(pool, { store, since: null, now: NOW, windowMs: WINDOW })).byCurrency.USD!;
        expect(c.treated.customers + c.heldOut.customers).toBe(1600);
        // Informative, not merely wide: 800 customers a group give a half-width near $1.60.
        expect(c.incrementalPerEmail!.high - c.incrementalPerEmail!.low).toBeLessThan(5);
        if (c.incrementalPerEmail!.low <= trueRevenue && trueRevenue <= c.incrementalPerEmail!.high) revenueCovered++;
        const lift = sc.treated - sc.heldOut;
        if (c.reorderRateLift!.low <= lift && lift <= c.reorderRateLift!.high) rateCovered++;
      }
      expect(revenueCovered, `${sc.name}: revenue intervals covering ${trueRevenue}`).toBeGreaterThanOrEqual(17);
      expect(rateCovered, `${sc.name}: rate intervals covering the true lift`).toBeGreaterThanOrEqual(17);
    }
  }, 120_000);
});

/** mulberry32: a small seeded PRNG, so every run draws the same stores. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 800 emailed and 800 held-out customers, each reordering with its group's rate in the window. */
function syntheticCustomers(store: string, seed: number, rates: { treated: number; heldOut: number }): Customer[] {
  const random = prng(seed * 7919 + store.length);
  return Array.from({ length: 1600 }, (_, i): Customer => {
    const status = i % 2 === 0 ? 'sent' : 'held_out';
    const at = ago(35 + Math.floor(random() * 20));
    const reorders = random() < (status === 'sent' ? rates.treated : rates.heldOut);
    const total = (2000 + Math.floor(random() * 6001)) / 100;
    const orders = reorders
      ? [{ id: `${store}-${i}-1`, at: later(at, 1 + random() * 28), total, product: random() < 0.5 ? 'P2' : 'P9' }]
      : [];
    return { key: `e-${store}-${i}`, status, at, orders };
  });
}
