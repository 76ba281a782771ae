// The return-rate rule on real data: the Online Retail history (541,909 lines, read in place)
// imported with importOrders, then every customer judged by checkEligibility(loadCustomerFigures)
// and compared with return rates computed independently, in one query over the raw order lines.
//
// Definitions (those of the import and of the figures query):
// - purchase: an order line with a positive quantity; an order counts toward minOrders when it
//   has one (a `C` invoice has none, so it never counts);
// - returned: the units of negative lines (the `C` invoices) plus returned_quantity (0 here);
// - non-product stock codes (POST, D, M, BANK CHARGES, DOT, AMAZONFEE, CRUK, C2, PADS, S, B,
//   gift_…) are not imported, so they are neither bought nor returned.
// Online Retail has no email addresses and no consent: the test gives every imported customer an
// address and consent, so that only the returns rule (and nothing before it) can skip anyone.
import { sharedPath } from '../support/shared.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { checkEligibility, type CustomerFigures } from '../../src/eligibility/check-eligibility.js';
import { loadCustomerFigures } from '../../src/eligibility/figures.js';
import { parseConfig } from '../../src/config/load.js';
import { importOrders, type ImportOrdersResult } from '../../src/import/import-orders.js';
import { missing } from '../support/services.js';
import { migratedPool } from '../import/support.js';

const skip = missing('postgres');
const FILE = sharedPath('data/online-retail/online-retail.csv.gz');
const STORE = 'online-retail';
const NOW = new Date('2011-12-10T00:00:00Z'); // the day after the data ends
const RATES = [0.3, 0.2, 0.1] as const;

/** Independent: per customer, from the raw lines, the customers over each rate with >= 2 purchase orders. */
const INDEPENDENT = `
WITH per_order AS (
  SELECT o.customer_key, o.order_id,
         bool_or(l.quantity > 0) AS has_purchase,
         sum(greatest(l.quantity, 0)) AS bought,
         sum(greatest(-l.quantity, 0)) + sum(CASE WHEN l.quantity > 0 THEN l.returned_quantity ELSE 0 END) AS returned
  FROM order_lines l JOIN orders o ON o.store = l.store AND o.order_id = l.order_id
  WHERE l.store = $1 AND o.customer_key IS NOT NULL
  GROUP BY o.customer_key, o.order_id
)
SELECT customer_key, count(*) FILTER (WHERE has_purchase)::int AS orders, sum(bought)::int AS bought, sum(returned)::int AS returned
FROM per_order GROUP BY customer_key`;

describe.skipIf(skip)('return rates on the Online Retail history', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;
  let imported: ImportOrdersResult;
  const figures = new Map<string, CustomerFigures>();

  beforeAll(async () => {
    db = await migratedPool(6);
    pool = db.pool;
    imported = await importOrders(pool, STORE, FILE);
    await pool.query(
      `UPDATE customers SET email = customer_key || '@retail.example', marketing_consent = true WHERE store = $1`,
      [STORE],
    );
    // Rates do not change the figures: load them once per customer, a few queries at a time.
    const config = parseConfig({ eligibility: { returns: { lookback: '20000d', minOrders: 2 } } });
    const keys = (
      await pool.query<{ customer_key: string }>(`SELECT customer_key FROM customers WHERE store = $1 ORDER BY 1`, [
        STORE,
      ])
    ).rows.map((r) => r.customer_key);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        figures.set(
          key,
          await loadCustomerFigures(pool, { store: STORE, customerKey: key, emailHash: null, now: NOW, config }),
        );
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
  }, 180_000);
  afterAll(async () => db?.close());

  it('imports the whole file, fast, and schedules nothing', async () => {
    console.info(
      `online retail import: ${imported.lines} lines + ${imported.skipped} skipped in ${imported.seconds.toFixed(1)} s = ` +
        `${Math.round((imported.lines + imported.skipped) / imported.seconds)} lines/s; ${imported.orders} orders, ` +
        `${imported.returns} returns, ${imported.customers} customers`,
    );
    expect(imported.lines + imported.skipped).toBe(541_909);
    expect(imported.errors).toEqual([]);
    // 2,950 non-product lines skipped; 25,900 invoices less 604 made only of non-product lines.
    expect(imported).toMatchObject({ lines: 538_959, skipped: 2_950, orders: 25_296, customers: 4_363 });
    expect(imported.seconds).toBeLessThan(60);
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM cross_sells)::int AS x, (SELECT count(*) FROM orders WHERE NOT from_history)::int AS live`,
    );
    expect(rows[0]).toEqual({ x: 0, live: 0 });
  });

  it('the figures agree with the raw lines for every customer', async () => {
    const { rows } = await pool.query(INDEPENDENT, [STORE]);
    expect(rows.length).toBe(figures.size);
    for (const r of rows) {
      const f = figures.get(r.customer_key)!;
      expect([r.customer_key, f.orders, f.unitsBought, f.unitsReturned]).toEqual([
        r.customer_key,
        r.orders,
        r.bought,
        r.returned,
      ]);
    }
  });

  it.each(RATES)(
    'maxRate %s: the customers skipped for high_return_rate are exactly those over the rate with >= 2 orders',
    async (maxRate) => {
      const policy = parseConfig({
        eligibility: { returns: { maxRate, minOrders: 2, lookback: '20000d' } },
      }).eligibility;
      const skipped = new Set<string>();
      const reasons = new Map<string, number>();
      for (const [key, f] of figures) {
        const v = checkEligibility(f, policy, { max: 1 });
        const reason = v.eligible ? 'eligible' : v.reason;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        if (reason === 'high_return_rate') skipped.add(key);
      }
      // Nothing but the returns rule speaks.
      expect([...reasons.keys()].sort()).toEqual(['eligible', 'high_return_rate']);

      // Written from the raw lines: integer units compared with the rate as an exact fraction.
      const { rows } = await pool.query(
        `SELECT customer_key, orders FROM (${INDEPENDENT}) t WHERE orders >= 2 AND returned::numeric > $2::numeric * bought`,
        [STORE, String(maxRate)],
      );
      const base = (await pool.query(`SELECT count(*)::int AS n FROM (${INDEPENDENT}) t WHERE orders >= 2`, [STORE]))
        .rows[0].n;
      const independent = new Set(rows.map((r) => r.customer_key as string));
      console.info(
        `maxRate ${maxRate}: ${skipped.size} of ${base} customers with >= 2 orders skipped for high_return_rate`,
      );
      expect(base).toBe(2_829);
      expect([...skipped].sort()).toEqual([...independent].sort());
      expect(skipped.size).toBe({ 0.3: 37, 0.2: 56, 0.1: 108 }[maxRate]);
    },
  );
});
