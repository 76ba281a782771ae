// Writes imported history in batches: one transaction of three multi-row statements (customers,
// orders, lines) per few thousand lines, each fed by parallel arrays through unnest(). Everything
// is ON CONFLICT-guarded, so re-importing the same file changes nothing, and history never
// touches cross_sells: imported orders are from_history and never schedule an email.
import { withTransaction } from '../db/transaction.js';
import type pg from 'pg';
import { formatCents, toCents } from '../money/cents.js';
import { capCodePoints, NAME_MAX, TITLE_MAX } from '../text/caps.js';

export interface HistoryLineRow {
  productId: string;
  title: string;
  /** Negative for a returned quantity written as its own line (Online Retail `C` invoices). */
  quantity: number;
  /** Decimal string, already validated. */
  unitPrice: string;
  productType?: string | null;
  variantId?: string | null;
  sku?: string | null;
  vendor?: string | null;
  returnedQuantity?: number;
  returnedAmount?: string;
}

export interface HistoryOrderRow {
  id: string;
  customerKey: string | null;
  createdAt: Date;
  currency: string | null;
  shippingCountry?: string | null;
  /** Decimal string; null when unknown. */
  total: string | null;
  cancelledAt?: Date | null;
  refundedAt?: Date | null;
  refundedAmount?: string | null;
  /** line_no of the first line (an Online Retail invoice split across the file continues). */
  firstLineNo: number;
  lines: HistoryLineRow[];
}

export interface HistoryCustomerRow {
  customerKey: string;
  externalId?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  marketingConsent?: boolean | null;
}

// Fills only what the record does not know yet, and only when that changes something: newer
// webhook data wins over history, and a re-import leaves rows (and updated_at) untouched.
const UPSERT_CUSTOMERS = `
INSERT INTO customers (store, customer_key, external_id, email, first_name, last_name, marketing_consent)
SELECT $1, k, x, e, f, l, m FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[]) AS t(k, x, e, f, l, m)
-- An erased customer is not brought back by an old history (erasures, 0008).
WHERE NOT EXISTS (SELECT 1 FROM erasures er WHERE er.store = $1 AND er.customer_key = t.k)
ON CONFLICT (store, customer_key) DO UPDATE SET
  external_id       = coalesce(customers.external_id, excluded.external_id),
  email             = CASE WHEN customers.erased_at IS NULL THEN coalesce(customers.email, excluded.email) END,
  first_name        = CASE WHEN customers.erased_at IS NULL THEN coalesce(customers.first_name, excluded.first_name) END,
  last_name         = CASE WHEN customers.erased_at IS NULL THEN coalesce(customers.last_name, excluded.last_name) END,
  marketing_consent = coalesce(customers.marketing_consent, excluded.marketing_consent),
  updated_at        = now()
WHERE customers.erased_at IS NULL AND (
     (customers.external_id IS NULL AND excluded.external_id IS NOT NULL)
  OR (customers.email IS NULL AND excluded.email IS NOT NULL)
  OR (customers.first_name IS NULL AND excluded.first_name IS NOT NULL)
  OR (customers.last_name IS NULL AND excluded.last_name IS NOT NULL)
  OR (customers.marketing_consent IS NULL AND excluded.marketing_consent IS NOT NULL))`;

// An order already known (from a webhook, or an earlier import) keeps its record; a history
// order only gains a cancellation or refund a newer export reports.
const UPSERT_ORDERS = `
INSERT INTO orders (store, order_id, customer_key, created_at, currency, shipping_country, total,
                    cancelled_at, refunded_at, refunded_amount, from_history)
SELECT $1, o, CASE WHEN EXISTS (SELECT 1 FROM erasures er WHERE er.store = $1 AND er.customer_key = t.k) THEN NULL ELSE k END,
       at, cur, ctry, tot, can, ref, coalesce(refamt, 0), true
FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::numeric[], $8::timestamptz[], $9::timestamptz[], $10::numeric[])
  AS t(o, k, at, cur, ctry, tot, can, ref, refamt)
ON CONFLICT (store, order_id) DO UPDATE SET
  cancelled_at    = coalesce(orders.cancelled_at, excluded.cancelled_at),
  refunded_at     = coalesce(orders.refunded_at, excluded.refunded_at),
  refunded_amount = greatest(orders.refunded_amount, excluded.refunded_amount)
WHERE orders.from_history AND (
     (orders.cancelled_at IS NULL AND excluded.cancelled_at IS NOT NULL)
  OR (orders.refunded_at IS NULL AND excluded.refunded_at IS NOT NULL)
  OR orders.refunded_amount < excluded.refunded_amount)`;

// Lines for every order except one a webhook recorded (that order keeps its payload's lines).
// The check looks up only the batch's distinct orders (hashed NOT IN), not one probe per line,
// and does not depend on the order row being committed yet: an Online Retail invoice split
// across two batches written concurrently still gets all of its lines. A newer export may
// raise a line's returned quantity.
const UPSERT_LINES = `
INSERT INTO order_lines (store, order_id, line_no, product_id, variant_id, sku, title, product_type, vendor,
                         quantity, unit_price, returned_quantity, returned_amount)
SELECT $1, l.o, l.n, l.p, l.v, l.s, l.t, l.ty, l.ve, l.q, l.u, l.rq, l.ra
FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::int[], $11::numeric[], $12::int[], $13::numeric[]) AS l(o, n, p, v, s, t, ty, ve, q, u, rq, ra)
WHERE l.o NOT IN (SELECT order_id FROM orders WHERE store = $1 AND order_id = ANY($14::text[]) AND NOT from_history)
ON CONFLICT (store, order_id, line_no) DO UPDATE SET
  returned_quantity = excluded.returned_quantity,
  returned_amount   = excluded.returned_amount
WHERE order_lines.returned_quantity < excluded.returned_quantity
   OR order_lines.returned_amount < excluded.returned_amount`;

// The customers' per-product summary (customer_products) for the batch's orders, computed from
// what is recorded (an order a webhook recorded keeps its own lines and key). Monotone (latest
// purchase, returned once returned), so an order split across concurrent batches is complete
// once both committed.
const UPSERT_CUSTOMER_PRODUCTS = `
INSERT INTO customer_products AS cp (store, customer_key, product_id, last_bought_at, last_order_id, returned)
SELECT o.store, o.customer_key, l.product_id,
       max(o.created_at) FILTER (WHERE l.quantity > 0),
       (array_agg(o.order_id ORDER BY o.created_at DESC, o.order_id DESC) FILTER (WHERE l.quantity > 0))[1],
       bool_or(l.returned_quantity > 0 OR l.quantity < 0)
FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
WHERE o.store = $1 AND o.order_id = ANY($2::text[]) AND o.customer_key IS NOT NULL
GROUP BY o.store, o.customer_key, l.product_id
ORDER BY o.customer_key, l.product_id
ON CONFLICT (store, customer_key, product_id) DO UPDATE SET
  last_bought_at = CASE WHEN excluded.last_bought_at > coalesce(cp.last_bought_at, '-infinity') THEN excluded.last_bought_at ELSE cp.last_bought_at END,
  last_order_id  = CASE WHEN excluded.last_bought_at > coalesce(cp.last_bought_at, '-infinity') THEN excluded.last_order_id ELSE cp.last_order_id END,
  returned       = cp.returned OR excluded.returned
WHERE excluded.last_bought_at > coalesce(cp.last_bought_at, '-infinity') OR (excluded.returned AND NOT cp.returned)`;

/** Recomputes totals of orders whose lines arrived in more than one batch. */
const RETOTAL = `
UPDATE orders o SET total = t.total
FROM (SELECT order_id, sum(quantity * unit_price)::numeric(14, 2) AS total FROM order_lines
      WHERE store = $1 AND order_id = ANY($2::text[]) GROUP BY order_id) t
WHERE o.store = $1 AND o.order_id = t.order_id AND o.from_history AND o.total IS DISTINCT FROM t.total`;

export class OrderWriter {
  private orders = new Map<string, HistoryOrderRow>();
  private customers = new Map<string, HistoryCustomerRow>();
  private lineCount = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failed: unknown;
  private batches = 0;
  private nextAnalyze = 2;

  /**
   * `concurrency` batches are written at once on their own connections while the file is
   * still being parsed. Rows are sorted by key within each statement so concurrent batches
   * lock shared rows (a repeated customer) in one order and cannot deadlock.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: string,
    readonly batchLines = 4000,
    readonly concurrency = 2,
  ) {}

  addCustomer(c: HistoryCustomerRow): void {
    const seen = this.customers.get(c.customerKey);
    if (!seen) {
      this.customers.set(c.customerKey, { ...c });
      return;
    }
    // One row per key and statement (ON CONFLICT DO UPDATE cannot touch a row twice).
    seen.externalId ??= c.externalId;
    seen.email ??= c.email;
    seen.firstName ??= c.firstName;
    seen.lastName ??= c.lastName;
    seen.marketingConsent ??= c.marketingConsent;
  }

  /** Buffers an order; starts writing a batch once enough lines are buffered. */
  async addOrder(order: HistoryOrderRow): Promise<void> {
    // One row per order id and statement: a continuation of a buffered order joins it, any
    // other repeat of an id is ignored (the first occurrence wins, as across batches).
    const seen = this.orders.get(order.id);
    if (!seen) {
      this.orders.set(order.id, { ...order, lines: [...order.lines] });
    } else if (order.firstLineNo === seen.firstLineNo + seen.lines.length) {
      seen.lines.push(...order.lines);
      const a = seen.total === null ? undefined : toCents(seen.total);
      const b = order.total === null ? undefined : toCents(order.total);
      seen.total = a === undefined || b === undefined ? null : formatCents(a + b);
    } else {
      return;
    }
    this.lineCount += order.lines.length;
    if (this.lineCount >= this.batchLines) await this.flush();
  }

  /**
   * Hands the buffer to the database and returns as soon as fewer than `concurrency` batches
   * are being written, so parsing the file and writing overlap.
   */
  async flush(): Promise<void> {
    if (this.orders.size === 0 && this.customers.size === 0) return;
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const orders = [...this.orders.values()].sort((a, b) => byKey(a.id, b.id));
    const customers = [...this.customers.values()].sort((a, b) => byKey(a.customerKey, b.customerKey));
    this.orders = new Map();
    this.customers = new Map();
    this.lineCount = 0;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.failed) throw this.failed;
    // At 2, 4, 8, ... batches: see analyze().
    if (++this.batches >= this.nextAnalyze) {
      this.nextAnalyze *= 2;
      await this.analyze();
    }
    const write: Promise<void> = this.write(orders, customers).then(
      () => void this.inFlight.delete(write),
      (err: unknown) => {
        this.inFlight.delete(write);
        this.failed ??= err;
      },
    );
    this.inFlight.add(write);
  }

  /** Waits for the batches being written, whatever their outcome (after a read error). */
  async waitForBatches(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  /** Flushes and waits for every write; then fixes totals of orders split across batches. */
  async finish(splitOrders: Iterable<string> = []): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
    if (this.failed) throw this.failed;
    const split = [...splitOrders];
    if (split.length > 0) {
      await this.analyze();
      await this.pool.query(RETOTAL, [this.store, split]);
    }
  }

  /**
   * Refreshes the planner's statistics of the tables the import joins. Until then a store the
   * statistics have not seen is taken for "about one row", and the per-batch statements got
   * plans that read the store's every line once per order: quadratic, an import into a database
   * already holding another store took 53 s instead of 14, and the final re-total ran for
   * minutes. A few ANALYZEs, at doubling sizes, keep every plan sized to the store.
   */
  private async analyze(): Promise<void> {
    await this.pool.query('ANALYZE orders, order_lines');
  }

  private async write(orders: HistoryOrderRow[], customers: HistoryCustomerRow[]): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      if (customers.length > 0) {
        await client.query(UPSERT_CUSTOMERS, [
          this.store,
          customers.map((c) => c.customerKey),
          customers.map((c) => c.externalId ?? null),
          customers.map((c) => c.email ?? null),
          // Capped as webhooks cap them (src/text/caps.ts).
          customers.map((c) => (c.firstName ? capCodePoints(c.firstName, NAME_MAX) : null)),
          customers.map((c) => (c.lastName ? capCodePoints(c.lastName, NAME_MAX) : null)),
          customers.map((c) => c.marketingConsent ?? null),
        ]);
      }
      if (orders.length > 0) {
        await client.query(UPSERT_ORDERS, [
          this.store,
          orders.map((o) => o.id),
          orders.map((o) => o.customerKey),
          orders.map((o) => o.createdAt.toISOString()),
          orders.map((o) => o.currency),
          orders.map((o) => o.shippingCountry ?? null),
          orders.map((o) => o.total),
          orders.map((o) => o.cancelledAt?.toISOString() ?? null),
          orders.map((o) => o.refundedAt?.toISOString() ?? null),
          orders.map((o) => o.refundedAmount ?? null),
        ]);
        const cols = {
          o: [] as string[], n: [] as number[], p: [] as string[], v: [] as (string | null)[], s: [] as (string | null)[],
          t: [] as string[], ty: [] as (string | null)[], ve: [] as (string | null)[], q: [] as number[], u: [] as string[],
          rq: [] as number[], ra: [] as string[],
        };
        for (const o of orders) {
          o.lines.forEach((l, i) => {
            cols.o.push(o.id);
            cols.n.push(o.firstLineNo + i);
            cols.p.push(l.productId);
            cols.v.push(l.variantId ?? null);
            cols.s.push(l.sku ?? null);
            cols.t.push(capCodePoints(l.title, TITLE_MAX));
            cols.ty.push(l.productType ?? null);
            cols.ve.push(l.vendor ?? null);
            cols.q.push(l.quantity);
            cols.u.push(l.unitPrice);
            cols.rq.push(l.returnedQuantity ?? 0);
            cols.ra.push(l.returnedAmount ?? '0');
          });
        }
        if (cols.o.length > 0) {
          await client.query(UPSERT_LINES, [
            this.store, cols.o, cols.n, cols.p, cols.v, cols.s, cols.t, cols.ty, cols.ve, cols.q, cols.u, cols.rq, cols.ra,
            orders.map((o) => o.id),
          ]);
        }
        await client.query(UPSERT_CUSTOMER_PRODUCTS, [this.store, orders.map((o) => o.id)]);
      }
    });
  }
}
