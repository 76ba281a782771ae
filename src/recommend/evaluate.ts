// Offline evaluation of item selection on an Online-Retail style history (`aftercart eval`).
// Protocol, measured hit rates and what was tried: docs/recommendation.md.
import { isPurchase, readOnlineRetail } from '../history/online-retail.js';
import { buildCoPurchase, type CoPurchaseOptions } from './copurchase.js';
import { pickItems } from './pick.js';
import { DEFAULT_WEIGHTING, type HistoryWeighting } from './score.js';
import type { CatalogItem, HistoryPurchase } from './types.js';

export interface EvaluateOptions {
  split: Date;
  windowDays: number;
  k: number;
  /** End of the test period (exclusive). Default: the day `windowDays` before the data ends. */
  until?: Date;
  /** Model settings (defaults are the production ones). */
  model?: CoPurchaseOptions;
  /** History weighting (defaults are the production ones). */
  weighting?: HistoryWeighting;
}

export interface EvaluateResult {
  k: number;
  testOrders: number;
  hits: number;
  hitRate: number;
  baseline: { popularity: number; popularityHits: number };
  seconds: number;
  trainInvoices: number;
  /** Test invoices where Aftercart found fewer than k items (it never pads with filler). */
  shortLists: number;
}

export interface Invoice {
  invoice: string;
  customer: string;
  at: number;
  products: string[];
}

export interface PurchaseHistory {
  /** Ordered by (time, invoice number). */
  invoices: Invoice[];
  titles: Map<string, string>;
  /** Latest invoice time in the data. */
  last: number;
}

const DAY_MS = 86_400_000;

/** Streams the file once and keeps the purchases grouped by invoice. */
export async function loadPurchases(path: string): Promise<PurchaseHistory> {
  const byInvoice = new Map<string, Invoice>();
  const titles = new Map<string, string>();
  let last = -Infinity;
  for await (const line of readOnlineRetail(path)) {
    if (!isPurchase(line)) continue;
    let inv = byInvoice.get(line.invoice);
    const at = line.invoiceDate.getTime();
    if (!inv) byInvoice.set(line.invoice, (inv = { invoice: line.invoice, customer: line.customerId!, at, products: [] }));
    if (!inv.products.includes(line.stockCode)) inv.products.push(line.stockCode);
    if (!titles.has(line.stockCode)) titles.set(line.stockCode, line.description || line.stockCode);
    if (at > last) last = at;
  }
  const invoices = [...byInvoice.values()].sort((a, b) => a.at - b.at || (a.invoice < b.invoice ? -1 : a.invoice > b.invoice ? 1 : 0));
  return { invoices, titles, last };
}

export async function evaluate(path: string, opts: EvaluateOptions): Promise<EvaluateResult> {
  const started = performance.now();
  const data = await loadPurchases(path);
  const result = evaluateHistory(data, opts);
  return { ...result, seconds: round((performance.now() - started) / 1000, 2) };
}

/** The protocol on already loaded purchases (lets experiments load the file once). */
export function evaluateHistory(data: PurchaseHistory, opts: EvaluateOptions): EvaluateResult {
  const started = performance.now();
  const split = opts.split.getTime();
  const window = opts.windowDays * DAY_MS;
  // The last full day with `windowDays` of data after it ends the test period.
  const end = opts.until?.getTime() ?? Math.floor((data.last - window) / DAY_MS) * DAY_MS;

  // Later invoices are never trained on, also when `until` ends the test early (validation runs).
  const train = data.invoices.filter((i) => i.at < split);
  const model = buildCoPurchase(
    train.map((i) => ({ customer: i.customer, products: i.products, at: new Date(i.at) })),
    opts.model,
  );
  const popular = popularity(train);
  const catalog = new Map<string, CatalogItem>();
  for (const [id, title] of data.titles) catalog.set(id, { id, title });
  const lookup = (id: string) => catalog.get(id);

  const byCustomer = new Map<string, Invoice[]>();
  for (const inv of data.invoices) {
    let list = byCustomer.get(inv.customer);
    if (!list) byCustomer.set(inv.customer, (list = []));
    list.push(inv);
  }

  let testOrders = 0, hits = 0, popularityHits = 0, shortLists = 0;
  for (const invoices of byCustomer.values()) {
    const owned = new Set<string>();
    const lastBought = new Map<string, number>();
    for (let i = 0; i < invoices.length; i++) {
      const inv = invoices[i];
      if (inv.at >= split && inv.at < end) {
        testOrders++;
        const later = new Set<string>();
        for (let j = i + 1; j < invoices.length && invoices[j].at <= inv.at + window; j++) {
          for (const p of invoices[j].products) later.add(p);
        }
        const history: HistoryPurchase[] = [];
        for (const [productId, at] of lastBought) history.push({ productId, at: new Date(at) });
        const picked = pickItems(
          {
            bought: inv.products.map((productId) => ({ productId, title: data.titles.get(productId) ?? productId })),
            owned,
            returned: new Set(),
            offered: new Set(),
            history,
            at: new Date(inv.at),
          },
          lookup,
          model,
          { maxItems: opts.k, typeComplements: {}, weighting: opts.weighting ?? DEFAULT_WEIGHTING },
        );
        if (picked.items.length < opts.k) shortLists++;
        if (picked.items.some((item) => later.has(item.productId))) hits++;
        const inInvoice = new Set(inv.products);
        let shown = 0;
        for (const p of popular) {
          if (shown === opts.k) break;
          if (inInvoice.has(p) || owned.has(p)) continue;
          shown++;
          if (later.has(p)) {
            popularityHits++;
            break;
          }
        }
      }
      for (const p of inv.products) {
        owned.add(p);
        lastBought.set(p, inv.at);
      }
    }
  }
  return {
    k: opts.k,
    testOrders,
    hits,
    hitRate: testOrders ? round(hits / testOrders, 4) : 0,
    baseline: { popularity: testOrders ? round(popularityHits / testOrders, 4) : 0, popularityHits },
    seconds: round((performance.now() - started) / 1000, 2),
    trainInvoices: train.length,
    shortLists,
  };
}

/** Products by the number of training invoices holding them, ties by id. */
function popularity(train: Invoice[]): string[] {
  const count = new Map<string, number>();
  for (const inv of train) for (const p of inv.products) count.set(p, (count.get(p) ?? 0) + 1);
  return [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
