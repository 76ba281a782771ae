// Learned co-purchase neighbours ("often bought with") from order baskets.
//
// Per product pair we keep the association-rule figures (support = baskets holding both,
// confidence = P(b|a), lift = confidence / P(b)). Neighbours are ranked by EASE (ease.ts, the
// default: it held ≥ 1.3× co-occurrence in every validation period) or by a damped cosine:
//
//   score(a,b) = support / sqrt(n_a · n_b) · support / (support + shrink)
//
// Why this score, and what else was tried (with the measured figures): docs/recommendation.md.
// `Basket.customer` and `at` are accepted but unused: customer-level baskets did not help.
//
// Building is row by row: for each product walk the baskets that hold it and count the other
// products in a dense scratch array. Memory is O(products + basket lines + kept neighbours),
// never O(pairs), and 18k invoices / 4k products take well under a second.
//
// Live updates: the model is rebuilt periodically (cheap), not updated per order — top-N lists
// cannot be maintained exactly without keeping every pair count.
import { easeNeighbours, type EaseOptions } from './ease.js';
import type { CoPurchaseModel, Neighbour } from './types.js';

export interface Basket {
  customer?: string;
  products: readonly string[];
  at?: Date;
}

export interface CoPurchaseOptions {
  /**
   * Ranking score. 'ease' (default): EASE weights (ease.ts) for the most frequent products, the
   * damped cosine (scaled by `easeFallback`) for the rest. 'cosine': the damped cosine above.
   * 'count': raw co-occurrence. 'lift': association-rule lift. The latter three are kept for
   * comparison in the evaluation.
   */
  metric?: 'ease' | 'cosine' | 'count' | 'lift';
  /** EASE settings (metric 'ease'). */
  ease?: EaseOptions;
  /**
   * Metric 'ease': products EASE does not model get damped-cosine neighbours, their scores times
   * this (0: none). Default 0.1 (0.05–0.15 ahead of none in every validation period).
   */
  easeFallback?: number;
  /** Pairs seen in fewer baskets are ignored (config `recommend.minSupport`). Default 2. */
  minSupport?: number;
  /** Neighbours kept per product. Default 50. */
  topN?: number;
  /** Damping in support / (support + shrink). Default 1. 0 disables. */
  shrink?: number;
  /** Exponent on n_b in the denominator (0.5 = cosine; higher favours niche items). Default 0.5. */
  popularityExponent?: number;
  /**
   * Baskets with more distinct products than this are skipped: a 300-line wholesale restock says
   * little about what goes together and dominates the pair counts. Default 100.
   */
  maxBasketSize?: number;
}

export interface CoPurchaseRow {
  a: string;
  b: string;
  support: number;
  confidence: number;
  lift: number;
  score: number;
}

export interface BuiltCoPurchase extends CoPurchaseModel {
  /** Baskets counted (with at least one product). */
  readonly baskets: number;
  readonly products: number;
  /** Baskets containing the product. */
  count(productId: string): number;
  /** Every kept neighbour as a row, for storing in Postgres; `modelFromRows` reads them back. */
  toRows(): CoPurchaseRow[];
}

const EMPTY: readonly Neighbour[] = Object.freeze([]);

class NeighbourTable implements BuiltCoPurchase {
  constructor(
    private readonly table: Map<string, readonly Neighbour[]>,
    readonly baskets: number,
    private readonly counts: Map<string, number>,
  ) {}
  get products(): number {
    return this.counts.size || this.table.size;
  }
  neighbours(productId: string): readonly Neighbour[] {
    return this.table.get(productId) ?? EMPTY;
  }
  count(productId: string): number {
    return this.counts.get(productId) ?? 0;
  }
  toRows(): CoPurchaseRow[] {
    const rows: CoPurchaseRow[] = [];
    const keys = [...this.table.keys()].sort();
    for (const a of keys)
      for (const n of this.table.get(a)!)
        rows.push({ a, b: n.id, support: n.support, confidence: n.confidence, lift: n.lift, score: n.score });
    return rows;
  }
}

export function buildCoPurchase(baskets: Iterable<Basket>, opts: CoPurchaseOptions = {}): BuiltCoPurchase {
  const settings: RankSettings = {
    minSupport: Math.max(1, opts.minSupport ?? 2),
    topN: opts.topN ?? 50,
    shrink: opts.shrink ?? 1,
    beta: opts.popularityExponent ?? 0.5,
    metric: opts.metric ?? 'ease',
  };
  const csr = flattenBaskets(baskets, opts.maxBasketSize ?? 100);
  const inverted = invertBaskets(csr);
  const P = csr.ids.length;
  const scratch: RowScratch = {
    together: new Int32Array(P),
    touched: new Int32Array(P),
    scores: new Float64Array(P),
    support: new Int32Array(P),
    powB: new Float64Array(P),
  };
  for (let p = 0; p < P; p++) scratch.powB[p] = Math.pow(inverted.n[p], settings.beta);
  const ease = settings.metric === 'ease' ? easeTable(inverted.n, csr, opts.ease) : undefined;
  const fallback = opts.easeFallback ?? 0.1;
  const table = new Map<string, readonly Neighbour[]>();
  const counts = new Map<string, number>();
  for (let a = 0; a < P; a++) {
    counts.set(csr.ids[a], inverted.n[a]);
    const m = countTogether(a, csr, inverted, scratch);
    const modelled = ease?.get(a);
    if (ease && (modelled || !(fallback > 0))) {
      const list = easeRow(a, m, modelled, csr, inverted, scratch);
      if (list) table.set(csr.ids[a], list);
      continue;
    }
    const kept = keepScored(a, m, csr, inverted, scratch, settings);
    if (kept.length === 0) continue;
    const list = rankNeighbours(a, kept, csr, inverted, scratch, settings.topN);
    table.set(csr.ids[a], ease ? Object.freeze(list.map((nb) => ({ ...nb, score: nb.score * fallback }))) : list);
  }
  return new NeighbourTable(table, csr.nBaskets, counts);
}

interface RankSettings {
  minSupport: number;
  topN: number;
  shrink: number;
  beta: number;
  metric: 'ease' | 'cosine' | 'count' | 'lift';
}

/** Baskets as dense product indices in one flat array (CSR): basket b is flat[starts[b]..starts[b+1]). */
interface FlatBaskets {
  ids: string[];
  flat: Int32Array;
  flatLen: number;
  starts: number[];
  nBaskets: number;
}

/** n[p] = baskets holding product p; basket numbers of p are inv[invStart[p]..invStart[p+1]). */
interface InvertedBaskets {
  n: Int32Array;
  invStart: Int32Array;
  inv: Int32Array;
}

/** Per-product arrays reused across rows, so a row allocates only its kept list. */
interface RowScratch {
  together: Int32Array;
  touched: Int32Array;
  scores: Float64Array;
  support: Int32Array;
  /** n_b ^ beta, the popularity term of the denominator. */
  powB: Float64Array;
}

// 1. Products to dense indices; baskets to one flat Int32Array (CSR), deduplicated.
function flattenBaskets(baskets: Iterable<Basket>, maxSize: number): FlatBaskets {
  const index = new Map<string, number>();
  const ids: string[] = [];
  let flat = new Int32Array(1 << 16);
  let flatLen = 0;
  const starts: number[] = [0];
  let seen = new Int32Array(1024).fill(-1);
  let visit = -1; // per input basket, dropped ones included, for the duplicate check
  for (const basket of baskets) {
    const begin = flatLen;
    const b = ++visit;
    for (const id of basket.products) {
      let p = index.get(id);
      if (p === undefined) {
        p = ids.length;
        index.set(id, p);
        ids.push(id);
        if (p >= seen.length) seen = grown(seen, -1);
      }
      if (seen[p] === b) continue; // the same product twice in one basket counts once
      seen[p] = b;
      if (flatLen === flat.length) flat = grown(flat, 0);
      flat[flatLen++] = p;
    }
    if (flatLen === begin || flatLen - begin > maxSize) {
      flatLen = begin; // empty or bulk basket: not counted at all
      continue;
    }
    starts.push(flatLen);
  }
  return { ids, flat, flatLen, starts, nBaskets: starts.length - 1 };
}

/** A copy twice as long, the new half filled with `fill`. */
function grown(array: Int32Array, fill: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  if (fill !== 0) bigger.fill(fill);
  bigger.set(array);
  return bigger;
}

// 2. n_a and the inverted index product → baskets.
function invertBaskets({ ids, flat, flatLen, starts, nBaskets }: FlatBaskets): InvertedBaskets {
  const P = ids.length;
  const n = new Int32Array(P);
  for (let i = 0; i < flatLen; i++) n[flat[i]]++;
  const invStart = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) invStart[p + 1] = invStart[p] + n[p];
  const inv = new Int32Array(flatLen);
  const fill = invStart.slice(0, P);
  for (let b = 0; b < nBaskets; b++) for (let i = starts[b]; i < starts[b + 1]; i++) inv[fill[flat[i]]++] = b;
  return { n, invStart, inv };
}

// 3. Row by row co-occurrence counts in a scratch array: together[o] for every o met with `a`,
// the products met listed in touched[0..m). Returns m.
function countTogether(a: number, csr: FlatBaskets, inverted: InvertedBaskets, scratch: RowScratch): number {
  const { flat, starts } = csr;
  const { invStart, inv } = inverted;
  const { together, touched } = scratch;
  let m = 0;
  for (let j = invStart[a]; j < invStart[a + 1]; j++) {
    const b = inv[j];
    for (let i = starts[b]; i < starts[b + 1]; i++) {
      const o = flat[i];
      if (o === a) continue;
      if (together[o]++ === 0) touched[m++] = o;
    }
  }
  return m;
}

/** EASE ranks; the pair counts still give support, confidence and lift (0 for a pair never seen). */
function easeRow(
  a: number,
  m: number,
  ranked: readonly { b: number; score: number }[] | undefined,
  { ids, nBaskets }: FlatBaskets,
  { n }: InvertedBaskets,
  { together, touched }: RowScratch,
): readonly Neighbour[] | undefined {
  const list = ranked?.map((e): Neighbour => {
    const c = together[e.b];
    const confidence = c / n[a];
    return { id: ids[e.b], score: e.score, support: c, confidence, lift: (confidence * nBaskets) / n[e.b] };
  });
  for (let t = 0; t < m; t++) together[touched[t]] = 0;
  return list && Object.freeze(list);
}

/** Scores the row's pairs with enough support (and clears the counts for the next row). */
function keepScored(
  a: number,
  m: number,
  csr: FlatBaskets,
  { n }: InvertedBaskets,
  scratch: RowScratch,
  { minSupport, metric, shrink, beta }: RankSettings,
): number[] {
  const { together, touched, support, scores, powB } = scratch;
  const nBaskets = csr.nBaskets;
  const kept: number[] = [];
  const powA = Math.pow(n[a], 1 - beta);
  for (let t = 0; t < m; t++) {
    const o = touched[t];
    const c = together[o];
    together[o] = 0;
    if (c < minSupport) continue;
    support[o] = c;
    scores[o] =
      metric === 'count'
        ? c
        : metric === 'lift'
          ? (c * nBaskets) / (n[a] * n[o])
          : (c / (powA * powB[o])) * (shrink > 0 ? c / (c + shrink) : 1);
    kept.push(o);
  }
  return kept;
}

/** The row's best `topN` neighbours, best first, ties by id. */
function rankNeighbours(
  a: number,
  kept: number[],
  { ids, nBaskets }: FlatBaskets,
  { n }: InvertedBaskets,
  { scores, support }: RowScratch,
  topN: number,
): readonly Neighbour[] {
  kept.sort((x, y) => scores[y] - scores[x] || (ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : 0));
  const list: Neighbour[] = [];
  for (let t = 0; t < kept.length && t < topN; t++) {
    const o = kept[t];
    const confidence = support[o] / n[a];
    list.push({
      id: ids[o],
      score: scores[o],
      support: support[o],
      confidence,
      lift: (confidence * nBaskets) / n[o],
    });
  }
  return Object.freeze(list);
}

/** EASE neighbours by dense product index, from the CSR baskets. */
function easeTable(
  counts: Int32Array,
  { ids, flat, starts }: FlatBaskets,
  opts: EaseOptions | undefined,
): Map<number, { b: number; score: number }[]> {
  const idRank = new Int32Array(ids.length);
  [...ids.keys()].sort((x, y) => (ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : 0)).forEach((p, r) => (idRank[p] = r));
  const rows = easeNeighbours(
    counts,
    (visit) => {
      for (let b = 0; b + 1 < starts.length; b++) visit(flat.subarray(starts[b], starts[b + 1]));
    },
    opts,
    idRank,
  );
  const table = new Map<number, { b: number; score: number }[]>();
  for (const r of rows) {
    let list = table.get(r.a);
    if (!list) table.set(r.a, (list = []));
    list.push({ b: r.b, score: r.score });
  }
  return table;
}

/** The model back from stored rows (any order). Neighbours are re-sorted best first, ties by id. */
export function modelFromRows(rows: Iterable<CoPurchaseRow>): BuiltCoPurchase {
  const table = new Map<string, Neighbour[]>();
  const counts = new Map<string, number>();
  const all: CoPurchaseRow[] = [];
  for (const r of rows) {
    all.push(r);
    let list = table.get(r.a);
    if (!list) table.set(r.a, (list = []));
    list.push({ id: r.b, score: r.score, support: r.support, confidence: r.confidence, lift: r.lift });
    // confidence = support / n_a, so the basket count of `a` survives the round trip.
    if (r.confidence > 0) counts.set(r.a, Math.round(r.support / r.confidence));
  }
  for (const list of table.values()) list.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  // lift = confidence · N / n_b gives N from any row whose `b` also appears as an `a`.
  let baskets = 0;
  for (const r of all) {
    const nb = counts.get(r.b);
    if (nb && r.confidence > 0 && r.lift > 0) {
      baskets = Math.round((r.lift * nb) / r.confidence);
      break;
    }
  }
  return new NeighbourTable(table, baskets, counts);
}
