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

  it('is the default ranking: neighbour scores are B = -P_ij / P_jj with P = (XᵀX + λI)⁻¹', () => {
    const lambda = 2;
    const model = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { lambda } },
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

  it('models only the most frequent products: the rest get no neighbours', () => {
    const model = buildCoPurchase(
      baskets.map((products) => ({ products })),
      { ease: { items: 3 } },
    );
    // Baskets holding: A 4, B 4, C 4, D 3.
    expect(model.neighbours('D')).toEqual([]);
    expect(model.neighbours('A').map((n) => n.id)).not.toContain('D');
    expect(model.neighbours('A').length).toBeGreaterThan(0);
  });
});
