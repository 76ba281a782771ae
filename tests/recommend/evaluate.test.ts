import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/recommend/index.js';

// tiny-retail.csv, worked by hand (k = 2, 10-day window, split 2011-01-10). Products PA..PF,
// written A..F below (plain `B` and `D` would be the data set's bank-charge and discount codes).
// Training purchases: 100001 {A,B} c1, 100002 {A,B} c2, 100003 {A,C} c3, 100004 {D,E} c4.
// Not purchases: no customer (100005/6 {B,C} — would make B–C a pair), POST, a C-return, price 0.
// Model (pairs in >= 2 baskets): only A–B. Popularity: A 3, B 2, then C, D, E (ties by id).
// The last invoice (2011-02-10) ends the test period at 2011-01-31, so 200008 is not tested.
//
//  test invoice          Aftercart                       popularity   bought within 10 days
//  200001 c5 {A} 01-15   B                               B C          B (200002)  both hit
//  200002 c5 {B} 01-20   – (A owned)                     C D          –
//  200003 c6 {B} 01-16   A                               A C          C (200004)  popularity hit
//  200004 c6 {C} 01-20   A (through history B)           A D          A (200005)  both hit
//  200005 c6 {A} 01-29   – (B owned)                     D E          –
//  200006 c1 {E} 01-18   – (A, B owned)                  C D          D (200007)  popularity hit
//  200007 c1 {D} 01-25   –                               C            –
// Aftercart 2/7, popularity 4/7. Without history 200004 finds nothing: 1/7.
const fixture = join(import.meta.dirname, 'fixtures', 'tiny-retail.csv');
// The damped cosine with its minimum support, as worked out above (EASE would pair more).
const opts = { split: new Date('2011-01-10T00:00:00Z'), windowDays: 10, k: 2, model: { metric: 'cosine' as const } };

describe('evaluate (protocol on a hand-worked history)', () => {
  it('counts test invoices, hits and the popularity baseline as worked out by hand', async () => {
    const r = await evaluate(fixture, opts);
    expect(r).toMatchObject({
      k: 2,
      testOrders: 7,
      hits: 2,
      hitRate: 0.2857,
      baseline: { popularity: 0.5714, popularityHits: 4 },
      trainInvoices: 4,
    });
    expect(r.seconds).toBeGreaterThanOrEqual(0);
  });

  it('uses the customer history: without it invoice 200004 finds nothing', async () => {
    const r = await evaluate(fixture, { ...opts, weighting: { historyWeight: 0, decayDays: 90, perAnchor: 20 } });
    expect(r.hits).toBe(1);
    expect(r.baseline.popularityHits).toBe(4);
  });

  it('an explicit end of the test period drops later invoices', async () => {
    const r = await evaluate(fixture, { ...opts, until: new Date('2011-01-19T00:00:00Z') });
    expect(r.testOrders).toBe(3); // 200001, 200003, 200006
  });
});
