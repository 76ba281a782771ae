import { describe, expect, it } from 'vitest';
import { buildCoPurchase } from '../../src/recommend/index.js';
import { sweep } from '../../src/recommend/ease.js';

/** Reference inverse by Gauss-Jordan with partial pivoting on the full matrix. */
function inverse(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i;
    [a[k], a[p]] = [a[p]!, a[k]!];
    const d = a[k]![k]!;
    for (let j = 0; j < 2 * n; j++) a[k]![j]! /= d;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = a[i]![k]!;
      for (let j = 0; j < 2 * n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}

const baskets = [['A', 'B', 'C'], ['A', 'B'], ['A', 'C'], ['B', 'C'], ['A', 'B', 'D'], ['D'], ['C', 'D']];

describe('EASE', () => {
  it('sweep leaves minus the inverse in the upper triangle', () => {
    const m = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const a = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = i; j < 3; j++) a[i * 3 + j] = m[i]![j]!;
    sweep(a, 3);
    const inv = inverse(m);
    for (let i = 0; i < 3; i++) for (let j = i; j < 3; j++) expect(-a[i * 3 + j]!).toBeCloseTo(inv[i]![j]!, 12);
  });

  it('without idf, neighbour scores are B = -P_ij / P_jj with P = (XᵀX + λI)⁻¹', () => {
    const lambda = 2;
    const model = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { lambda, idf: false } },
    );
    const ids = ['A', 'B', 'C', 'D'];
    const g = ids.map((x) => ids.map((y) => baskets.filter((b) => b.includes(x) && b.includes(y)).length));
    ids.forEach((_, i) => (g[i]![i]! += lambda));
    const p = inverse(g);
    for (const [i, a] of ids.entries()) {
      const expected = ids
        .map((b, j) => ({ id: b, score: -p[i]![j]! / p[j]![j]! }))
        .filter((e, j) => j !== i && e.score > 0)
        .sort((x, y) => y.score - x.score);
      const got = model.neighbours(a);
      expect(got.map((n) => n.id)).toEqual(expected.map((e) => e.id));
      got.forEach((n, t) => expect(n.score).toBeCloseTo(expected[t]!.score, 12));
    }
    // The pair counts still give the association figures: A,B in 3 of A's 4 baskets.
    expect(model.neighbours('A').find((n) => n.id === 'B')).toMatchObject({ support: 3, confidence: 0.75 });
  });

  it('models only the most frequent products: without easeFallback the rest get no neighbours', () => {
    const model = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { items: 3 }, easeFallback: 0, minSupport: 1 },
    );
    // Baskets holding: A 4, B 4, C 4, D 3.
    expect(model.neighbours('D')).toEqual([]);
    expect(model.neighbours('A').map((n) => n.id)).not.toContain('D');
    expect(model.neighbours('A').length).toBeGreaterThan(0);
  });

  it('breaks count ties at the cut-off and between equal weights by id, whatever the basket order', () => {
    // Baskets holding: A 4, B 4, C 4, D 3; with 2 products modelled, A and B (ids) of the three tied.
    const forward = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { items: 2 }, easeFallback: 0 },
    );
    const reversed = buildCoPurchase(
      [...baskets].reverse().map((products) => ({ products: [...products].reverse() })),
      { ease: { items: 2 }, easeFallback: 0 },
    );
    expect(forward.neighbours('C')).toEqual([]);
    expect(forward.neighbours('A').map((n) => n.id)).toEqual(['B']);
    expect(reversed.toRows()).toEqual(forward.toRows());
  });

  it('is the default ranking with X weighted by idf, and with bm25 by basket length too', () => {
    const lambda = 1;
    const bm25 = { k1: 1.2, b: 0.75 };
    const model = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { lambda, bm25 } },
    );
    const plain = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { lambda } },
    );
    expect(plain.neighbours('A')).not.toEqual(model.neighbours('A'));
    const ids = ['A', 'B', 'C', 'D'];
    const avg = baskets.reduce((s, b) => s + b.length, 0) / baskets.length;
    const raw = baskets.map((b) => (bm25.k1 + 1) / (1 + bm25.k1 * (1 - bm25.b + (bm25.b * b.length) / avg)));
    const norm = Math.sqrt(baskets.length / raw.reduce((s, r) => s + r * r, 0));
    const n = ids.map((x) => baskets.filter((b) => b.includes(x)).length);
    const idf = n.map((c) => Math.log(1 + (baskets.length - c + 0.5) / (c + 0.5)));
    const mean = idf.reduce((s, x) => s + x, 0) / ids.length;
    const x = baskets.map((b, u) => ids.map((id, i) => (b.includes(id) ? raw[u]! * norm * (idf[i]! / mean) : 0)));
    const g = ids.map((_, i) =>
      ids.map((_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? lambda : 0)),
    );
    const p = inverse(g);
    for (const [i, a] of ids.entries()) {
      // A and B are symmetric here: their equal weights may differ in the last bits.
      const expected = new Map(
        ids.map((b, j) => [b, -p[i]![j]! / p[j]![j]!] as const).filter(([, score], j) => j !== i && score > 0),
      );
      const got = model.neighbours(a);
      expect(got.map((n) => n.id).sort()).toEqual([...expected.keys()].sort());
      got.forEach((n, t) => {
        expect(n.score).toBeCloseTo(expected.get(n.id)!, 12);
        if (t > 0) expect(n.score).toBeLessThanOrEqual(got[t - 1]!.score);
      });
    }
  });

  it('with easeFallback, products not modelled get damped-cosine neighbours scaled by it', () => {
    const input = baskets.map((products) => ({ products }));
    // D is in one basket with each of the others: pairs of support 1 count here.
    const model = buildCoPurchase(input, { ease: { items: 3 }, easeFallback: 0.5, minSupport: 1 });
    const cosine = buildCoPurchase(input, { metric: 'cosine', minSupport: 1 });
    expect(model.neighbours('D')).toEqual(cosine.neighbours('D').map((n) => ({ ...n, score: n.score * 0.5 })));
    expect(model.neighbours('D').length).toBeGreaterThan(0);
    expect(model.neighbours('A')).toEqual(buildCoPurchase(input, { ease: { items: 3 } }).neighbours('A'));
  });
});
