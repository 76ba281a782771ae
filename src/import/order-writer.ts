// Writes imported history in batches: one transaction of three multi-row statements (customers,
// orders, lines) per few thousand lines, each fed by parallel arrays through unnest(). Everything
// is ON CONFLICT-guarded, so re-importing the same file changes nothing, and history never
// touches cross_sells: imported orders are from_history and never schedule an email.
import { withTransaction } from '../db/transaction.js';
import type pg from 'pg';
import { formatCents, toCents } from '../money/cents.js';
import { capCodePoints, NAME_MAX, TITLE_MAX } from '../text/caps.js';
import { sql } from '../db/sql.js';

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

const q = {
  upsertCustomers: sql(import.meta.url, 'upsert-customers'),
  upsertOrders: sql(import.meta.url, 'upsert-orders'),
  upsertLines: sql(import.meta.url, 'upsert-lines'),
  upsertCustomerProducts: sql(import.meta.url, 'upsert-customer-products'),
  retotal: sql(import.meta.url, 'retotal-split-orders'),
};

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
      await this.pool.query(q.retotal, [this.store, split]);
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
      if (customers.length > 0) await upsertCustomers(client, this.store, customers);
      if (orders.length > 0) {
        await upsertOrders(client, this.store, orders);
        const cols = lineColumns(orders);
        if (cols.o.length > 0) {
          await client.query(q.upsertLines, [
            this.store,
            cols.o,
            cols.n,
            cols.p,
            cols.v,
            cols.s,
            cols.t,
            cols.ty,
            cols.ve,
            cols.q,
            cols.u,
            cols.rq,
            cols.ra,
            orders.map((o) => o.id),
          ]);
        }
        await client.query(q.upsertCustomerProducts, [this.store, orders.map((o) => o.id)]);
      }
    });
  }
}

async function upsertCustomers(client: pg.PoolClient, store: string, customers: HistoryCustomerRow[]): Promise<void> {
  await client.query(q.upsertCustomers, [
    store,
    customers.map((c) => c.customerKey),
    customers.map((c) => c.externalId ?? null),
    customers.map((c) => c.email ?? null),
    // Capped as webhooks cap them (src/text/caps.ts).
    customers.map((c) => (c.firstName ? capCodePoints(c.firstName, NAME_MAX) : null)),
    customers.map((c) => (c.lastName ? capCodePoints(c.lastName, NAME_MAX) : null)),
    customers.map((c) => c.marketingConsent ?? null),
  ]);
}

async function upsertOrders(client: pg.PoolClient, store: string, orders: HistoryOrderRow[]): Promise<void> {
  await client.query(q.upsertOrders, [
    store,
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
}

/** The batch's lines as parallel arrays, one per column of the unnest() in upsert-lines. */
function lineColumns(orders: HistoryOrderRow[]) {
  const cols = {
    o: [] as string[],
    n: [] as number[],
    p: [] as string[],
    v: [] as (string | null)[],
    s: [] as (string | null)[],
    t: [] as string[],
    ty: [] as (string | null)[],
    ve: [] as (string | null)[],
    q: [] as number[],
    u: [] as string[],
    rq: [] as number[],
    ra: [] as string[],
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
  return cols;
}
