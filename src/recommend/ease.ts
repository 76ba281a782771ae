// EASE (Steck 2019), a closed-form linear item model, as "often bought with" neighbours:
//
//   G = XᵀX + λI over the `items` products in the most baskets,  P = G⁻¹,  B_ij = -P_ij / P_jj
//
// A basket's score for j is the sum of B_ij over its products i, so row i of B (positive
// entries, best `keep`) is exactly a neighbour list and fits the stored co-purchase model.
// Unlike pairwise cosine it discounts a neighbour already explained by the basket's other
// products. Rolling-origin figures: docs/recommendation-validation.md.
//
// The inverse is a symmetric sweep over the upper triangle (n³/2 multiply-adds: 5·10⁸
// for 1,000 products), so it is only for the most frequent products.

export interface EaseOptions {
  /** Products modelled, the most frequent first. Default 1000 (1,500 measured no better, 3.4× the cost). */
  items?: number;
  /** Ridge λ. Default 150 (best worst-period ratio to co-occurrence of 150, 300, 600). */
  lambda?: number;
  /** Neighbours kept per product. Default 50. */
  keep?: number;
}

export interface EaseRow {
  /** Dense indices into the products passed in. */
  a: number;
  b: number;
  score: number;
}

/**
 * Neighbours of the `items` most frequent products. `counts[p]` = baskets holding product p;
 * `baskets` are lists of dense product indices (deduplicated).
 */
export function easeNeighbours(
  counts: Int32Array,
  baskets: (visit: (products: Int32Array) => void) => void,
  opts: EaseOptions = {},
): EaseRow[] {
  const lambda = opts.lambda ?? 150;
  const keep = opts.keep ?? 50;
  const order = [...counts.keys()].filter((p) => counts[p]! > 0).sort((x, y) => counts[y]! - counts[x]! || x - y);
  const ids = order.slice(0, opts.items ?? 1000);
  const n = ids.length;
  const slot = new Int32Array(counts.length).fill(-1);
  ids.forEach((p, i) => (slot[p] = i));
  const g = gram(n, slot, baskets);
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  sweep(g, n);
  return topRows(g, n, ids, keep);
}

/** XᵀX over the modelled products, upper triangle (i ≤ j) only. */
function gram(n: number, slot: Int32Array, baskets: (visit: (products: Int32Array) => void) => void): Float64Array {
  const g = new Float64Array(n * n);
  const row = new Int32Array(n);
  baskets((products) => {
    let m = 0;
    for (const p of products) if (slot[p]! >= 0) row[m++] = slot[p]!;
    for (let x = 0; x < m; x++) {
      for (let y = 0; y < m; y++) {
        const i = row[x]!,
          j = row[y]!;
        if (i <= j) g[i * n + j]!++;
      }
    }
  });
  return g;
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
function topRows(s: Float64Array, n: number, ids: number[], keep: number): EaseRow[] {
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
    cand.sort((x, y) => y.score - x.score || x.b - y.b);
    for (let t = 0; t < cand.length && t < keep; t++) out.push({ a: ids[i]!, b: cand[t]!.b, score: cand[t]!.score });
  }
  return out;
}
