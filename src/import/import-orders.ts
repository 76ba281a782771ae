// `aftercart import orders FILE`: streams an order history (Online Retail CSV, Shopify orders
// CSV or canonical JSON lines; gzip or plain, detected from the bytes and the first line) into
// orders, order_lines and customers. History is record only: every order is from_history and
// no cross_sells row is ever created, so an import never schedules an email.
//
// Counts in the result describe the file as imported (a re-import reports the same counts and
// changes no row):
// - lines:     order lines written (Online Retail: file rows kept)
// - orders:    distinct orders written
// - returns:   orders that are returns (an Online Retail `C` invoice, negative lines) or carry
//              returned quantities (refunds in Shopify / canonical history)
// - customers: distinct customers the orders were tied to
// - skipped:   rows left out: non-product stock codes, unreadable rows, rows of bad orders
import type pg from 'pg';
import { customerKey } from '../domain/customer-key.js';
import { storedEmail } from '../domain/email-address.js';
import { readOnlineRetail } from './readers/online-retail.js';
import { detectOrdersFormat, type OrdersFormat } from './detect-format.js';
import { formatCents, MAX_CENTS, toCents } from '../money/cents.js';
import { OrderWriter, type HistoryCustomerRow, type HistoryLineRow, type HistoryOrderRow } from './order-writer.js';
import { countryCode } from './country.js';
import { historyOrderSources, type HistoryOrder } from './order-readers.js';

export interface ImportProblem {
  line: number;
  error: string;
}

export interface ImportOrdersProgress {
  /** File line reached (1-based; the header is line 1). */
  line: number;
  lines: number;
  orders: number;
  skipped: number;
}

export interface ImportOrdersOptions {
  onProgress?: (progress: ImportOrdersProgress) => void;
  /**
   * Runs once the history is written, e.g. to rebuild the store's co-purchase table
   * (owned by src/recommend). Its time is included in `seconds`.
   */
  afterOrders?: (pool: pg.Pool, store: string) => Promise<void>;
  /** Lines per multi-row INSERT batch (default 4,000). */
  batchLines?: number;
}

export interface ImportOrdersResult {
  format: OrdersFormat;
  lines: number;
  orders: number;
  returns: number;
  customers: number;
  skipped: number;
  /** The first 100 unreadable rows, with their file line. */
  errors: ImportProblem[];
  seconds: number;
}

const MAX_ERRORS = 100;
const INT32 = 2_147_483_647;

export async function importOrders(
  pool: pg.Pool,
  store: string,
  path: string,
  opts: ImportOrdersOptions = {},
): Promise<ImportOrdersResult> {
  const started = performance.now();
  const format = await detectOrdersFormat(path);
  const writer = new OrderWriter(pool, store, opts.batchLines);
  const counts = { lines: 0, orders: 0, skipped: 0 };
  const customers = new Set<string>();
  const errors: ImportProblem[] = [];
  const problem = (line: number, error: string) => {
    counts.skipped++;
    if (errors.length < MAX_ERRORS) errors.push({ line, error });
  };
  let line = 1;
  let lastReport = 0;
  const progress = () => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (now - lastReport < 100) return;
    lastReport = now;
    opts.onProgress({ line, lines: counts.lines, orders: counts.orders, skipped: counts.skipped });
  };
  const returns = new Set<string>();
  const emit = async (order: HistoryOrderRow) => {
    counts.lines += order.lines.length;
    if (order.lines.some((l) => l.quantity < 0 || (l.returnedQuantity ?? 0) > 0)) returns.add(order.id);
    if (order.customerKey) customers.add(order.customerKey);
    await writer.addOrder(order);
    progress();
  };

  let split: Set<string> = new Set();
  try {
    if (format === 'online-retail') {
      const result = await readRetail(
        path,
        (c) => writer.addCustomer(c),
        problem,
        async (order, isNew, fileLine) => {
          line = fileLine;
          if (isNew) counts.orders++;
          await emit(order);
        },
        (skippedLine) => {
          counts.skipped++;
          line = skippedLine;
        },
      );
      split = result.split;
    } else {
      const seen = new Set<string>();
      for await (const order of historyOrderSources[format](path, (e) => problem(e.line, e.error))) {
        line = order.line;
        const row = toOrderRow(order);
        if (typeof row === 'string') {
          problem(order.line, row);
          continue;
        }
        // An order repeated in the file: the first occurrence wins (as on re-import).
        if (seen.has(row.order.id)) {
          problem(order.line, `order ${row.order.id} appears again; the first occurrence was kept`);
          continue;
        }
        seen.add(row.order.id);
        counts.orders++;
        if (row.customer) writer.addCustomer(row.customer);
        await emit(row.order);
      }
    }
  } catch (err) {
    // A file that breaks off mid-way: let the batches under way finish before reporting.
    await writer.waitForBatches();
    throw err;
  }
  await writer.finish(split);
  opts.onProgress?.({ line, lines: counts.lines, orders: counts.orders, skipped: counts.skipped });
  // A bulk load leaves the planner's statistics behind; stale ones cost seconds per query.
  await pool.query('ANALYZE customers, orders, order_lines');
  if (opts.afterOrders) await opts.afterOrders(pool, store);
  return {
    format,
    lines: counts.lines,
    orders: counts.orders,
    returns: returns.size,
    customers: customers.size,
    skipped: counts.skipped,
    errors,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Online Retail: one order per InvoiceNo, its rows in file order as lines. A `C` invoice is an
 * order of negative lines (the data set's returns; the eligibility figures count negative lines
 * as returned units). Non-product stock codes (postage, discounts, fees, vouchers) are skipped.
 * Rows without CustomerID are kept as orders without a customer: they still teach which
 * products are bought together. Stock codes come normalised from the reader (`retailProductId`:
 * "85123a" and "85123A" are one product, to import and eval alike).
 */
async function readRetail(
  path: string,
  addCustomer: (c: { customerKey: string; externalId: string }) => void,
  problem: (line: number, error: string) => void,
  emit: (order: HistoryOrderRow, isNew: boolean, line: number) => Promise<void>,
  skip: (line: number) => void,
): Promise<{ split: Set<string> }> {
  // Lines per invoice written so far: an invoice met again later continues its numbering.
  const nextLineNo = new Map<string, number>();
  const split = new Set<string>();
  let current: (HistoryOrderRow & { cents: bigint }) | undefined;
  let currentLine = 1;
  const close = async () => {
    if (!current) return;
    const order = current;
    current = undefined;
    const isNew = !nextLineNo.has(order.id);
    if (!isNew) split.add(order.id);
    nextLineNo.set(order.id, order.firstLineNo + order.lines.length);
    order.total = formatCents(order.cents);
    const { cents: _cents, ...row } = order;
    await emit(row, isNew, currentLine);
  };
  for await (const l of readOnlineRetail(path, (e) => problem(e.line, e.error))) {
    if (!l.isProduct) {
      skip(l.line);
      continue;
    }
    const cents = toCents(l.unitPrice);
    if (cents === undefined || cents > MAX_CENTS || -cents > MAX_CENTS) {
      problem(l.line, `bad UnitPrice "${l.unitPrice}"`);
      continue;
    }
    if (!Number.isInteger(l.quantity) || Math.abs(l.quantity) > INT32) {
      problem(l.line, `bad Quantity "${l.quantity}"`);
      continue;
    }
    if (current?.id !== l.invoice) {
      await close();
      const key = l.customerId ? customerKey({ id: l.customerId }) : null;
      if (key) addCustomer({ customerKey: key, externalId: l.customerId! });
      current = {
        id: l.invoice,
        customerKey: key,
        createdAt: l.invoiceDate,
        currency: 'GBP',
        shippingCountry: countryCode(l.country),
        total: null,
        firstLineNo: nextLineNo.get(l.invoice) ?? 1,
        lines: [],
        cents: 0n,
      };
    }
    currentLine = l.line;
    current.lines.push({
      productId: l.stockCode,
      title: l.description || l.stockCode,
      quantity: l.quantity,
      unitPrice: formatCents(cents),
    });
    current.cents += BigInt(l.quantity) * cents;
  }
  await close();
  return { split };
}

/** Fields a reader may add to its orders; written when present (the customer's only when unknown). */
export type RichHistoryOrder = HistoryOrder & {
  marketingConsent?: boolean;
  firstName?: string;
  lastName?: string;
  shippingCountry?: string;
};

/**
 * A reader's order (Shopify orders CSV, canonical JSON lines) as rows, or why it cannot be
 * imported. The customer is keyed by email when there is one, else by the platform's id.
 * Returned quantities land on the order's lines of that product, first lines first; a fully
 * refunded order records its refund amount (the lines' value when the file gives none).
 */
export function toOrderRow(
  order: RichHistoryOrder,
): { order: HistoryOrderRow; customer?: HistoryCustomerRow } | string {
  if (!order.id) return 'order without an id';
  if (Number.isNaN(order.createdAt.getTime())) return `order ${order.id}: bad createdAt`;
  if (order.lines.length === 0) return `order ${order.id}: no lines`;
  // Kept as a webhook would keep it: normalised, or as given so a send says invalid_email.
  const email = storedEmail(order.email) ?? undefined;
  const key = customerKey({ email, id: order.customerId });
  const lines: HistoryLineRow[] = [];
  let total = 0n;
  for (const l of order.lines) {
    const cents = toCents(l.unitPrice);
    if (cents === undefined || cents > MAX_CENTS || -cents > MAX_CENTS)
      return `order ${order.id}: bad unit price "${l.unitPrice}"`;
    if (!Number.isInteger(l.quantity) || Math.abs(l.quantity) > INT32)
      return `order ${order.id}: bad quantity "${l.quantity}"`;
    if (!l.productId) return `order ${order.id}: a line without a product id`;
    total += BigInt(l.quantity) * cents;
    lines.push({
      productId: l.productId,
      title: l.title || l.productId,
      quantity: l.quantity,
      unitPrice: formatCents(cents),
      productType: l.productType || null,
      sku: l.sku || null,
    });
  }
  let returnedCents = 0n;
  for (const r of order.returns) {
    let left = r.quantity;
    const amount = r.amount !== undefined ? toCents(r.amount) : undefined;
    for (const l of lines) {
      if (left <= 0) break;
      if (l.productId !== r.productId || l.quantity <= 0) continue;
      const take = Math.min(l.quantity - (l.returnedQuantity ?? 0), left);
      if (take <= 0) continue;
      // The refund's amount split by units when given, else the line's price.
      const value =
        amount !== undefined && r.quantity > 0
          ? (amount * BigInt(take)) / BigInt(r.quantity)
          : BigInt(take) * toCents(l.unitPrice)!;
      l.returnedQuantity = (l.returnedQuantity ?? 0) + take;
      l.returnedAmount = formatCents(toCents(l.returnedAmount ?? '0')! + value);
      returnedCents += value;
      left -= take;
    }
  }
  const refunded = order.refundedAmount !== undefined ? toCents(order.refundedAmount) : undefined;
  const refundedAmount = refunded ?? (returnedCents > 0n ? returnedCents : undefined);
  return {
    order: {
      id: order.id,
      customerKey: key,
      createdAt: order.createdAt,
      currency: order.currency || null,
      shippingCountry: countryCode(order.shippingCountry),
      total: formatCents(total),
      cancelledAt: order.cancelledAt && !Number.isNaN(order.cancelledAt.getTime()) ? order.cancelledAt : null,
      // The export says an order was refunded, not when.
      refundedAt: null,
      refundedAmount: refundedAmount !== undefined ? formatCents(refundedAmount) : null,
      firstLineNo: 1,
      lines,
    },
    customer: key
      ? {
          customerKey: key,
          externalId: order.customerId ?? null,
          email: email ?? null,
          firstName: order.firstName?.trim() || null,
          lastName: order.lastName?.trim() || null,
          marketingConsent: order.marketingConsent ?? null,
        }
      : undefined,
  };
}
