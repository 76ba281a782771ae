// Offline evaluation of item selection on an order history in any format `import orders` reads
// (src/import/purchases.ts; protocol: data/online-retail/README.md, `aftercart eval`).
// Protocol, measured hit rates and what was tried: docs/recommendation.md.
import { readPurchases, type Invoice, type PurchaseHistory } from '../import/purchases.js';
import { buildCoPurchase, type CoPurchaseOptions } from './copurchase.js';
import { pickItems } from './pick-items.js';
import { DEFAULT_WEIGHTING, type HistoryWeighting } from './score.js';
import type { CatalogItem, CoPurchaseModel, HistoryPurchase } from './types.js';

export type { Invoice, PurchaseHistory };

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
  /**
   * On the same invoices: the products in the most training invoices, and plain co-occurrence
   * (the products most often in a training invoice with this one's, summed; no history).
   */
  baseline: { popularity: number; popularityHits: number; cooccurrence: number; cooccurrenceHits: number };
  seconds: number;
  trainInvoices: number;
  /** Test invoices where Aftercart found fewer than k items (it never pads with filler). */
  shortLists: number;
}

const DAY_MS = 86_400_000;

/** Streams the file once (any format `import orders` reads) and keeps the purchases by invoice. */
export const loadPurchases = readPurchases;

export async function evaluate(path: string, opts: EvaluateOptions): Promise<EvaluateResult> {
  const started = performance.now();
  const data = await loadPurchases(path);
  const result = evaluateHistory(data, opts);
  return { ...result, seconds: round((performance.now() - started) / 1000, 2) };
}

/** The exclusive end of the test period: the last full day with `windowDays` of data after it. */
export function testEnd(data: Pick<PurchaseHistory, 'last'>, windowDays: number): number {
  return Math.floor((data.last - windowDays * DAY_MS) / DAY_MS) * DAY_MS;
}

/** Picks k products for a test invoice given what the customer bought before it. */
type Recommender = (inv: Invoice, owned: ReadonlySet<string>, lastBought: ReadonlyMap<string, number>) => string[];

/** The protocol on already loaded purchases (lets experiments load the file once). */
export function evaluateHistory(data: PurchaseHistory, opts: EvaluateOptions): EvaluateResult {
  const started = performance.now();
  const split = opts.split.getTime();
  const end = opts.until?.getTime() ?? testEnd(data, opts.windowDays);
  // Later invoices are never trained on, also when `until` ends the test early (validation runs).
  const train = data.invoices.filter((i) => i.at < split);
  const aftercart = learnedRecommender(data, train, opts.k, opts.model, opts.weighting ?? DEFAULT_WEIGHTING);
  const cooccurrence = learnedRecommender(data, train, opts.k, { metric: 'count' }, { historyWeight: 0, decayDays: 1 });
  const popularity = popularityRecommender(train, opts.k);
  const counts = runProtocol(data, split, end, opts.windowDays * DAY_MS, [aftercart, popularity, cooccurrence], opts.k);
  const [hits, popularityHits, cooccurrenceHits] = counts.hits as [number, number, number];
  const rate = (n: number) => (counts.testOrders ? round(n / counts.testOrders, 4) : 0);
  return {
    k: opts.k,
    testOrders: counts.testOrders,
    hits,
    hitRate: rate(hits),
    baseline: {
      popularity: rate(popularityHits),
      popularityHits,
      cooccurrence: rate(cooccurrenceHits),
      cooccurrenceHits,
    },
    seconds: round((performance.now() - started) / 1000, 2),
    trainInvoices: train.length,
    shortLists: counts.shortLists[0]!,
  };
}

/**
 * Every test invoice (from `split` to `end`) of every customer, against each recommender: a
 * hit when the customer buys one of the picks within `window` after the invoice.
 */
function runProtocol(
  data: PurchaseHistory,
  split: number,
  end: number,
  window: number,
  recommenders: Recommender[],
  k: number,
) {
  const byCustomer = new Map<string, Invoice[]>();
  for (const inv of data.invoices) {
    let list = byCustomer.get(inv.customer);
    if (!list) byCustomer.set(inv.customer, (list = []));
    list.push(inv);
  }
  let testOrders = 0;
  const hits = recommenders.map(() => 0);
  const shortLists = recommenders.map(() => 0);
  for (const invoices of byCustomer.values()) {
    const owned = new Set<string>();
    const lastBought = new Map<string, number>();
    for (let i = 0; i < invoices.length; i++) {
      const inv = invoices[i]!;
      if (inv.at >= split && inv.at < end) {
        testOrders++;
        const later = new Set<string>();
        for (let j = i + 1; j < invoices.length && invoices[j]!.at <= inv.at + window; j++) {
          for (const p of invoices[j]!.products) later.add(p);
        }
        recommenders.forEach((recommend, r) => {
          const picked = recommend(inv, owned, lastBought);
          if (picked.length < k) shortLists[r]!++;
          if (picked.some((p) => later.has(p))) hits[r]!++;
        });
      }
      for (const p of inv.products) {
        owned.add(p);
        lastBought.set(p, inv.at);
      }
    }
  }
  return { testOrders, hits, shortLists };
}

/** The production `pickItems` on a model trained on `train`, with no catalog but the titles. */
function learnedRecommender(
  data: PurchaseHistory,
  train: Invoice[],
  k: number,
  model: CoPurchaseOptions | undefined,
  weighting: HistoryWeighting,
): Recommender {
  const built: CoPurchaseModel = buildCoPurchase(
    train.map((i) => ({ customer: i.customer, products: i.products, at: new Date(i.at) })),
    model,
  );
  const catalog = new Map<string, CatalogItem>();
  for (const [id, title] of data.titles) catalog.set(id, { id, title });
  const lookup = (id: string) => catalog.get(id);
  return (inv, owned, lastBought) => {
    const history: HistoryPurchase[] = [];
    for (const [productId, at] of lastBought) history.push({ productId, at: new Date(at) });
    const picked = pickItems(
      {
        bought: inv.products.map((productId) => ({ productId, title: data.titles.get(productId) ?? productId })),
        owned: owned as Set<string>,
        returned: new Set(),
        offered: new Set(),
        history,
        at: new Date(inv.at),
      },
      lookup,
      built,
      { maxItems: k, typeComplements: {}, weighting },
    );
    return picked.items.map((item) => item.productId);
  };
}

/** The k products in the most training invoices, leaving out this invoice's and owned ones. */
function popularityRecommender(train: Invoice[], k: number): Recommender {
  const popular = popularity(train);
  return (inv, owned) => {
    const out: string[] = [];
    for (const p of popular) {
      if (out.length === k) break;
      if (!inv.products.includes(p) && !owned.has(p)) out.push(p);
    }
    return out;
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
