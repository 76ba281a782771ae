// The purchases of an order history, in every format `import orders` reads (Online Retail and
// Online Retail II CSV, Shopify orders CSV, canonical JSON lines), as `aftercart eval` counts
// them. The same readers as the import, so products and refused files are the same to both.
//
// A purchase: a line with a positive quantity and price, of an order tied to a customer, not
// cancelled; Online Retail: `isPurchase` (no `C` invoices, product stock codes only).
import { isPurchase, readOnlineRetail } from './readers/online-retail.js';
import type { HistoryOrder, RowError } from './readers/types.js';
import { detectOrdersFormat, type OrdersFormat } from './detect-format.js';
import { historyOrderSources } from './order-readers.js';

export interface Invoice {
  invoice: string;
  customer: string;
  at: number;
  products: string[];
}

export interface PurchaseHistory {
  format: OrdersFormat;
  /** Ordered by (time, invoice number). */
  invoices: Invoice[];
  titles: Map<string, string>;
  /** Latest invoice time in the data. */
  last: number;
  /** Rows or orders the reader could not use (the first 100). */
  errors: RowError[];
}

const MAX_ERRORS = 100;

/** Streams the file once and keeps the purchases grouped by invoice (or order). */
export async function readPurchases(path: string): Promise<PurchaseHistory> {
  const format = await detectOrdersFormat(path);
  const errors: RowError[] = [];
  const onError = (e: RowError) => void (errors.length < MAX_ERRORS && errors.push(e));
  const byInvoice = new Map<string, Invoice>();
  const titles = new Map<string, string>();
  const add = (id: string, customer: string, at: number, productId: string, title: string) => {
    let inv = byInvoice.get(id);
    if (!inv) byInvoice.set(id, (inv = { invoice: id, customer, at, products: [] }));
    if (!inv.products.includes(productId)) inv.products.push(productId);
    if (!titles.has(productId)) titles.set(productId, title || productId);
  };
  if (format === 'online-retail') {
    for await (const l of readOnlineRetail(path, onError)) {
      if (isPurchase(l)) add(l.invoice, l.customerId!, l.invoiceDate.getTime(), l.stockCode, l.description);
    }
  } else {
    for await (const order of historyOrderSources[format](path, onError)) {
      const customer = customerOf(order);
      if (!customer || order.cancelledAt || byInvoice.has(order.id)) continue;
      for (const l of order.lines) {
        if (l.productId && l.quantity > 0 && Number(l.unitPrice) > 0)
          add(order.id, customer, order.createdAt.getTime(), l.productId, l.title);
      }
    }
  }
  let last = -Infinity;
  for (const inv of byInvoice.values()) if (inv.at > last) last = inv.at;
  const invoices = [...byInvoice.values()].sort((a, b) => a.at - b.at || compareIds(a.invoice, b.invoice));
  return { format, invoices, titles, last, errors };
}

/** The address identifies a customer when there is one (as the import keys them), else the platform's id. */
function customerOf(order: HistoryOrder): string | undefined {
  const email = order.email?.trim().toLowerCase();
  if (email) return `email:${email}`;
  return order.customerId ? `id:${order.customerId}` : undefined;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Split checkouts as one order: a customer's invoices placed less than `withinMs` after the
 * previous one are merged into it (chained, at the first one's time and number).
 */
export function mergeSplitCheckouts(invoices: readonly Invoice[], withinMs: number): Invoice[] {
  const open = new Map<string, { merged: Invoice; lastAt: number }>();
  const out: Invoice[] = [];
  for (const inv of invoices) {
    const prev = open.get(inv.customer);
    if (prev && inv.at - prev.lastAt < withinMs) {
      for (const p of inv.products) if (!prev.merged.products.includes(p)) prev.merged.products.push(p);
      prev.lastAt = inv.at;
      continue;
    }
    const merged = { ...inv, products: [...inv.products] };
    open.set(inv.customer, { merged, lastAt: inv.at });
    out.push(merged);
  }
  return out;
}
