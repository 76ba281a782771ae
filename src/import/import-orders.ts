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
import { readOnlineRetail, type RetailLine } from './readers/online-retail.js';
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
  const tally = new ImportTally(opts.onProgress);
  const emit = async (order: HistoryOrderRow) => {
    tally.count(order);
    await writer.addOrder(order);
    tally.progress();
  };

  let split: Set<string> = new Set();
  try {
    if (format === 'online-retail') split = await importRetail(path, writer, tally, emit);
    else await importHistory(format, path, writer, tally, emit);
  } catch (err) {
    // A file that breaks off mid-way: let the batches under way finish before reporting.
    await writer.waitForBatches();
    throw err;
  }
  await writer.finish(split);
  tally.report();
  // A bulk load leaves the planner's statistics behind; stale ones cost seconds per query.
  await pool.query('ANALYZE customers, orders, order_lines');
  if (opts.afterOrders) await opts.afterOrders(pool, store);
  return {
    format,
    lines: tally.lines,
    orders: tally.orders,
    returns: tally.returns.size,
    customers: tally.customers.size,
    skipped: tally.skipped,
    errors: tally.errors,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The counts and problems of one import, and its progress reports (at most one per 100 ms). */
class ImportTally {
  lines = 0;
  orders = 0;
  skipped = 0;
  /** File line reached. */
  line = 1;
  readonly customers = new Set<string>();
  readonly returns = new Set<string>();
  readonly errors: ImportProblem[] = [];
  private lastReport = 0;

  constructor(private readonly onProgress: ImportOrdersOptions['onProgress']) {}

  problem(line: number, error: string): void {
    this.skipped++;
    if (this.errors.length < MAX_ERRORS) this.errors.push({ line, error });
  }

  count(order: HistoryOrderRow): void {
    this.lines += order.lines.length;
    if (order.lines.some((l) => l.quantity < 0 || (l.returnedQuantity ?? 0) > 0)) this.returns.add(order.id);
    if (order.customerKey) this.customers.add(order.customerKey);
  }

  progress(): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (now - this.lastReport < 100) return;
    this.lastReport = now;
    this.report();
  }

  report(): void {
    this.onProgress?.({ line: this.line, lines: this.lines, orders: this.orders, skipped: this.skipped });
  }
}

/** Online Retail through `readRetail`; returns the invoices met again after other invoices. */
async function importRetail(
  path: string,
  writer: OrderWriter,
  tally: ImportTally,
  emit: (order: HistoryOrderRow) => Promise<void>,
): Promise<Set<string>> {
  const result = await readRetail(
    path,
    (c) => writer.addCustomer(c),
    (line, error) => tally.problem(line, error),
    async (order, isNew, fileLine) => {
      tally.line = fileLine;
      if (isNew) tally.orders++;
      await emit(order);
    },
    (skippedLine) => {
      tally.skipped++;
      tally.line = skippedLine;
    },
  );
  return result.split;
}

/** Shopify orders CSV or canonical JSON lines, one reader order at a time through `toOrderRow`. */
async function importHistory(
  format: Exclude<OrdersFormat, 'online-retail'>,
  path: string,
  writer: OrderWriter,
  tally: ImportTally,
  emit: (order: HistoryOrderRow) => Promise<void>,
): Promise<void> {
  const seen = new Set<string>();
  for await (const order of historyOrderSources[format](path, (e) => tally.problem(e.line, e.error))) {
    tally.line = order.line;
    const row = toOrderRow(order);
    if (typeof row === 'string') {
      tally.problem(order.line, row);
      continue;
    }
    // An order repeated in the file: the first occurrence wins (as on re-import).
    if (seen.has(row.order.id)) {
      tally.problem(order.line, `order ${row.order.id} appears again; the first occurrence was kept`);
      continue;
    }
    seen.add(row.order.id);
    tally.orders++;
    if (row.customer) writer.addCustomer(row.customer);
    await emit(row.order);
  }
}

type RetailOrder = HistoryOrderRow & { cents: bigint };

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
  let current: RetailOrder | undefined;
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
    const cents = retailCents(l);
    if (typeof cents === 'string') {
      problem(l.line, cents);
      continue;
    }
    if (current?.id !== l.invoice) {
      await close();
      current = openInvoice(l, nextLineNo.get(l.invoice) ?? 1, addCustomer);
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

/** The row's unit price in cents, or why the row cannot be imported. */
function retailCents(l: RetailLine): bigint | string {
  const cents = toCents(l.unitPrice);
  if (cents === undefined || cents > MAX_CENTS || -cents > MAX_CENTS) return `bad UnitPrice "${l.unitPrice}"`;
  if (!Number.isInteger(l.quantity) || Math.abs(l.quantity) > INT32) return `bad Quantity "${l.quantity}"`;
  return cents;
}

/** A new order for the row's invoice, its customer (when the row names one) added first. */
function openInvoice(
  l: RetailLine,
  firstLineNo: number,
  addCustomer: (c: { customerKey: string; externalId: string }) => void,
): RetailOrder {
  const key = l.customerId ? customerKey({ id: l.customerId }) : null;
  if (key) addCustomer({ customerKey: key, externalId: l.customerId! });
  return {
    id: l.invoice,
    customerKey: key,
    createdAt: l.invoiceDate,
    currency: 'GBP',
    shippingCountry: countryCode(l.country),
    total: null,
    firstLineNo,
    lines: [],
    cents: 0n,
  };
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
  const priced = toLineRows(order);
  if (typeof priced === 'string') return priced;
  const { lines, total } = priced;
  const returnedCents = applyReturns(lines, order.returns);
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
    customer: key ? customerRow(order, key, email) : undefined,
  };
}

/** The order's lines as rows with its total in cents, or why a line cannot be imported. */
function toLineRows(order: RichHistoryOrder): { lines: HistoryLineRow[]; total: bigint } | string {
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
  return { lines, total };
}

/** Marks returned units on the lines of their product, first lines first; returns their value in cents. */
function applyReturns(lines: HistoryLineRow[], returns: RichHistoryOrder['returns']): bigint {
  let returnedCents = 0n;
  for (const r of returns) {
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
  return returnedCents;
}

function customerRow(order: RichHistoryOrder, key: string, email: string | undefined): HistoryCustomerRow {
  return {
    customerKey: key,
    externalId: order.customerId ?? null,
    email: email ?? null,
    firstName: order.firstName?.trim() || null,
    lastName: order.lastName?.trim() || null,
    marketingConsent: order.marketingConsent ?? null,
  };
}
