// EASE (Steck 2019), a closed-form linear item model, as "often bought with" neighbours:
//
//   G = XᵀX + λI over the `items` products in the most baskets,  P = G⁻¹,  B_ij = -P_ij / P_jj
//
// A basket's score for j is the sum of B_ij over its products i, so row i of B (positive
// entries, best `keep`) is exactly a neighbour list and fits the stored co-purchase model.
// Unlike pairwise cosine it discounts a neighbour already explained by the basket's other
// products. X is weighted by idf (rare products count more) before the Gram matrix.
// Rolling-origin figures: docs/recommendation-validation.md.
//
// The inverse is a symmetric sweep over the upper triangle (n³/2 multiply-adds: 5·10⁸
// for 1,000 products), so it is only for the most frequent products.

export interface EaseOptions {
  /** Products modelled, the most frequent first. Default 1000 (1,500 measured no better, 3.4× the cost). */
  items?: number;
  /** Ridge λ. Default 75 (with idf, 60–100 beat the old default in every validation period). */
  lambda?: number;
  /** Neighbours kept per product. Default 50. */
  keep?: number;
  /**
   * Columns of X weighted by BM25's idf (scaled to mean 1), so a rarer product counts more.
   * Default true (ahead in every validation period at λ 60–100).
   */
  idf?: boolean;
  /** BM25's length weighting of rows: a basket longer than average counts less. Default off (lost a period). */
  bm25?: { k1: number; b: number };
}

export interface EaseRow {
  /** Dense indices into the products passed in. */
  a: number;
  b: number;
  score: number;
}

type Baskets = (visit: (products: Int32Array) => void) => void;

/**
 * Neighbours of the `items` most frequent products. `counts[p]` = baskets holding product p;
 * `baskets` are lists of dense product indices (deduplicated); `idRank[p]` orders products by
 * id, for ties (at the `items` cut-off and between equal weights), so the model does not depend
 * on the order the baskets come in.
 */
export function easeNeighbours(
  counts: Int32Array,
  baskets: Baskets,
  opts: EaseOptions = {},
  idRank: ArrayLike<number> = counts.map((_, p) => p),
): EaseRow[] {
  const lambda = opts.lambda ?? 75;
  const keep = opts.keep ?? 50;
  const order = [...counts.keys()]
    .filter((p) => counts[p]! > 0)
    .sort((x, y) => counts[y]! - counts[x]! || idRank[x]! - idRank[y]!);
  const ids = order.slice(0, opts.items ?? 1000);
  const n = ids.length;
  const slot = new Int32Array(counts.length).fill(-1);
  ids.forEach((p, i) => (slot[p] = i));
  const g = gram(n, slot, baskets, opts.bm25 && rowWeights(baskets, opts.bm25));
  if (opts.idf ?? true) scaleByIdf(g, n, ids, counts, basketCount(baskets));
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  sweep(g, n);
  return topRows(g, n, ids, keep, idRank);
}

/** XᵀX over the modelled products, upper triangle (i ≤ j) only; basket u counts w(u)². */
function gram(n: number, slot: Int32Array, baskets: Baskets, weight?: (products: Int32Array) => number): Float64Array {
  const g = new Float64Array(n * n);
  const row = new Int32Array(n);
  baskets((products) => {
    let m = 0;
    for (const p of products) if (slot[p]! >= 0) row[m++] = slot[p]!;
    const w = weight ? weight(products) ** 2 : 1;
    for (let x = 0; x < m; x++) {
      for (let y = 0; y < m; y++) {
        const i = row[x]!,
          j = row[y]!;
        if (i <= j) g[i * n + j]! += w;
      }
    }
  });
  return g;
}

/** BM25's length part for a 0/1 entry, (k1 + 1) / (1 + k1·(1 - b + b·len/avg)), scaled to mean square 1. */
function rowWeights(baskets: Baskets, { k1, b }: { k1: number; b: number }): (products: Int32Array) => number {
  let count = 0,
    lines = 0;
  baskets((products) => {
    count++;
    lines += products.length;
  });
  const avg = lines / Math.max(1, count);
  const raw = (len: number) => (k1 + 1) / (1 + k1 * (1 - b + (b * len) / avg));
  let squares = 0;
  baskets((products) => (squares += raw(products.length) ** 2));
  const norm = Math.sqrt(count / Math.max(squares, 1e-12));
  return (products) => raw(products.length) * norm;
}

function basketCount(baskets: Baskets): number {
  let count = 0;
  baskets(() => count++);
  return count;
}

/** G_ij · idf_i · idf_j, idf = ln(1 + (N - n + 0.5) / (n + 0.5)) scaled to mean 1 over the modelled products. */
function scaleByIdf(g: Float64Array, n: number, ids: number[], counts: Int32Array, total: number): void {
  const idf = ids.map((p) => Math.log(1 + (total - counts[p]! + 0.5) / (counts[p]! + 0.5)));
  const mean = idf.reduce((s, x) => s + x, 0) / Math.max(1, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) g[i * n + j]! *= (idf[i]! / mean) * (idf[j]! / mean);
}

/**
 * In place: a symmetric positive definite matrix (upper triangle) → -A⁻¹ (upper triangle), by
 * sweeping every pivot. Symmetry holds at every step, so only j ≥ i is updated.
 */
export function sweep(a: Float64Array, n: number): void {
  const r = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const p = a[k * n + k]!;
    for (let j = 0; j < n; j++) r[j] = (j < k ? a[j * n + k]! : a[k * n + j]!) / p;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = i < k ? a[i * n + k]! : a[k * n + i]!;
      if (f === 0) continue;
      const base = i * n;
      for (let j = i; j < n; j++) a[base + j]! -= f * r[j]!;
    }
    // Row and column k: the entries the loop above overwrote get their swept values.
    for (let j = 0; j < n; j++) {
      if (j === k) continue;
      if (j < k) a[j * n + k] = r[j]!;
      else a[k * n + j] = r[j]!;
    }
    a[k * n + k] = -1 / p;
  }
}

/** B_ij = -P_ij / P_jj; with S = -P (the swept matrix) that is -S_ij / S_jj. Positive ones, best first. */
function topRows(s: Float64Array, n: number, ids: number[], keep: number, idRank: ArrayLike<number>): EaseRow[] {
  const out: EaseRow[] = [];
  const cand: { b: number; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    cand.length = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const sij = j < i ? s[j * n + i]! : s[i * n + j]!;
      const score = -sij / s[j * n + j]!;
      if (score > 0) cand.push({ b: ids[j]!, score });
    }
    cand.sort((x, y) => y.score - x.score || idRank[x.b]! - idRank[y.b]!);
    for (let t = 0; t < cand.length && t < keep; t++) out.push({ a: ids[i]!, b: cand[t]!.b, score: cand[t]!.score });
  }
  return out;
}
