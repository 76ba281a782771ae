import { describe, expect, it } from 'vitest';
import { buildCoPurchase, modelFromRows } from '../../src/recommend/index.js';

// Six baskets, N = 6. Baskets holding: A 4 (1,2,3,5), B 4 (1,2,4,5), C 3 (1,3,4), D 2 (5,6).
const baskets = [['A', 'B', 'C'], ['A', 'B'], ['A', 'C'], ['B', 'C'], ['A', 'B', 'D'], ['D']].map((products) => ({
  products,
}));

describe('buildCoPurchase: association-rule figures', () => {
  const model = buildCoPurchase(baskets, { metric: 'cosine' });

  it('support, confidence and lift of A → B and A → C by hand', () => {
    const [b, c] = model.neighbours('A');
    // A,B together in baskets 1, 2, 5: support 3; P(B|A) = 3/4; lift = 0.75 / P(B) = 0.75 / (4/6).
    expect(b).toMatchObject({ id: 'B', support: 3, confidence: 0.75 });
    expect(b.lift).toBeCloseTo(1.125, 12);
    // A,C in baskets 1, 3: support 2; P(C|A) = 2/4; lift = 0.5 / (3/6) = 1.
    expect(c).toMatchObject({ id: 'C', support: 2, confidence: 0.5 });
    expect(c.lift).toBeCloseTo(1, 12);
    // Score: damped cosine, support/sqrt(nA·nB) · support/(support+1).
    expect(b.score).toBeCloseTo((3 / Math.sqrt(4 * 4)) * (3 / 4), 12);
    expect(c.score).toBeCloseTo((2 / Math.sqrt(4 * 3)) * (2 / 3), 12);
    expect(model.baskets).toBe(6);
    expect(model.count('A')).toBe(4);
  });

  it('figures are directional: P(B|C) differs from P(C|B)', () => {
    expect(model.neighbours('C').find((n) => n.id === 'B')).toMatchObject({ support: 2, confidence: 2 / 3 });
    expect(model.neighbours('B').find((n) => n.id === 'C')).toMatchObject({ support: 2, confidence: 2 / 4 });
  });

  it('drops pairs under minSupport (A–D is in one basket only)', () => {
    expect(model.neighbours('A').map((n) => n.id)).toEqual(['B', 'C']);
    expect(model.neighbours('D')).toEqual([]);
    const loose = buildCoPurchase(baskets, { minSupport: 1, metric: 'cosine' });
    const d = loose.neighbours('A').find((n) => n.id === 'D')!;
    expect(d).toMatchObject({ support: 1, confidence: 0.25 });
    expect(d.lift).toBeCloseTo(0.25 / (2 / 6), 12);
  });

  it('ties in score are ordered by id', () => {
    // C's neighbours A and B both: support 2, n = 4.
    expect(model.neighbours('C').map((n) => n.id)).toEqual(['A', 'B']);
  });

  it('a product twice in a basket counts once; empty and oversized baskets are not counted', () => {
    const m = buildCoPurchase(
      [{ products: ['A', 'B', 'C', 'D'] }, { products: ['A', 'A', 'B'] }, { products: [] }, { products: ['A', 'B'] }],
      {
        maxBasketSize: 3,
        metric: 'cosine',
      },
    );
    expect(m.baskets).toBe(2);
    expect(m.neighbours('A')).toEqual([
      { id: 'B', support: 2, confidence: 1, lift: 1, score: expect.closeTo(2 / 3, 12) },
    ]);
  });

  it('keeps the top N neighbours per product', () => {
    const m = buildCoPurchase([...baskets, ...baskets], { topN: 1, metric: 'cosine' });
    expect(m.neighbours('A').map((n) => n.id)).toEqual(['B']);
  });

  it('unknown products have no neighbours', () => {
    expect(model.neighbours('nope')).toEqual([]);
  });
});

describe('rows for storage', () => {
  it('round-trips through rows', () => {
    const model = buildCoPurchase(baskets, { minSupport: 1, metric: 'cosine' });
    const rows = model.toRows();
    expect(rows[0]).toEqual({
      a: 'A',
      b: 'B',
      support: 3,
      confidence: 0.75,
      lift: model.neighbours('A')[0].lift,
      score: model.neighbours('A')[0].score,
    });
    const back = modelFromRows([...rows].reverse());
    for (const id of ['A', 'B', 'C', 'D', 'x']) expect(back.neighbours(id)).toEqual(model.neighbours(id));
    expect(back.baskets).toBe(6);
    expect(back.count('C')).toBe(3);
    expect(back.toRows()).toEqual(rows);
  });
});

describe('speed', () => {
  it('builds 18,500 baskets over 4,000 products in well under 15 s', () => {
    // Deterministic generator; basket sizes and product popularity skewed like a real shop.
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const data = Array.from({ length: 18_500 }, () => {
      const size = 1 + Math.floor(rand() ** 2 * 60);
      return { products: Array.from({ length: size }, () => `P${Math.floor(rand() ** 2 * 4000)}`) };
    });
    const started = performance.now();
    const model = buildCoPurchase(data);
    const seconds = (performance.now() - started) / 1000;
    expect(model.products).toBeGreaterThan(3500);
    expect(seconds).toBeLessThan(5);
  });
});
