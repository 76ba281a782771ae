// The measurement's statistics, pure: Welch's and Newcombe's intervals against published values,
// the verdict's words, and the holdout draw (stable per customer, re-drawn with the share).
import { describe, expect, it } from 'vitest';
import {
  emailsToSettle,
  rateDifferenceInterval,
  tQuantile975,
  welchInterval,
  wilsonInterval,
  type Sample,
} from '../../src/measure/uplift.js';
import { roughCount, signedMoney, verdict } from '../../src/measure/verdict.js';
import { holdoutDraw, isHeldOut } from '../../src/measure/holdout.js';
import { parseConfig } from '../../src/config/load.js';

const sampleOf = (xs: number[]): Sample => ({
  n: xs.length,
  sum: xs.reduce((a, b) => a + b, 0),
  sumOfSquares: xs.reduce((a, b) => a + b * b, 0),
});

describe('intervals', () => {
  it("Student's t quantiles match the tables", () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(6)).toBeCloseTo(2.4469, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.2281, 3);
    expect(tQuantile975(30)).toBeCloseTo(2.0423, 3);
    expect(tQuantile975(1e9)).toBeCloseTo(1.95996, 4);
  });

  it("Welch's interval matches SciPy's ttest_ind(a, b, equal_var=False)", () => {
    // scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95) for these samples:
    //   mean difference 3.725, 95% CI 1.68112 to 5.76888 (df 11.41)
    const i = welchInterval(
      sampleOf([19.1, 20.3, 21.7, 18.4, 22.9, 20.0]),
      sampleOf([15.2, 17.8, 16.1, 19.9, 14.3, 16.6, 18.0, 15.5]),
    )!;
    expect(i.estimate).toBeCloseTo(3.725, 6);
    expect(i.low).toBeCloseTo(1.68112, 3);
    expect(i.high).toBeCloseTo(5.76888, 3);
    expect(welchInterval(sampleOf([1]), sampleOf([1, 2]))).toBeNull();
    expect(welchInterval(sampleOf([2, 2]), sampleOf([1, 1]))).toEqual({ estimate: 1, low: 1, high: 1 });
  });

  it("Wilson's and Newcombe's intervals match Newcombe (1998)", () => {
    // Newcombe 1998, Statistics in Medicine 17:857, table II example (a): 56/70 − 48/80, method 10.
    const d = rateDifferenceInterval(56, 70, 48, 80)!;
    expect(d.estimate).toBeCloseTo(0.2, 4);
    expect(d.low).toBeCloseTo(0.0524, 3);
    expect(d.high).toBeCloseTo(0.3339, 3);
    // Table I: 0/10 has the Wilson interval 0 to 0.2775.
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 3);
    expect(rateDifferenceInterval(1, 0, 1, 2)).toBeNull();
  });

  it('forecasts the emails that would settle an open interval, as the half-width shrinks with √n', () => {
    // Half-width 2.05, estimate 1.84: (2.05/1.84)² − 1 ≈ 0.241 times the 1,000 emailed so far.
    expect(emailsToSettle({ estimate: 1.84, low: -0.21, high: 3.89 }, 1000)).toBe(242);
    expect(emailsToSettle({ estimate: 1.84, low: 0.2, high: 3.4 }, 1000)).toBeNull();
    expect(emailsToSettle({ estimate: 0, low: -1, high: 1 }, 1000)).toBeNull();
  });
});

describe('verdict', () => {
  it('says in words what the interval says', () => {
    expect(
      verdict({ currency: 'USD', perEmail: { estimate: 1.84, low: -0.2, high: 3.9 }, treated: 7700, heldOut: 800 }),
    ).toBe(
      '+$1.84 per email, 95% CI −$0.20 to +$3.90: not yet conclusive; about 1,900 more emails at this rate would settle it',
    );
    expect(
      verdict({ currency: 'EUR', perEmail: { estimate: 2, low: 0.5, high: 3.5 }, treated: 900, heldOut: 100 }),
    ).toMatch(/^\+€2\.00 per email, 95% CI \+€0\.50 to \+€3\.50: the emails bring in revenue/);
    expect(
      verdict({ currency: 'USD', perEmail: { estimate: -2, low: -3, high: -1 }, treated: 900, heldOut: 100 }),
    ).toMatch(/cost revenue/);
    expect(verdict({ currency: 'USD', perEmail: null, treated: 3, heldOut: 1 })).toMatch(
      /^not enough to measure yet: 3 emailed and 1 held-out/,
    );
  });

  it('rounds forecasts to two figures and signs money', () => {
    expect(roughCount(1937)).toBe('1,900');
    expect(roughCount(7)).toBe('7');
    expect(roughCount(242)).toBe('240');
    expect(signedMoney(-0.004, 'USD')).toBe('+$0.00');
    expect(signedMoney(-12.5, 'GBP')).toBe('−£12.50');
  });
});

describe('holdout draw', () => {
  it('holds out about the configured share, the same customers every time, and re-draws when the share changes', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `e-${i.toString(16).padStart(40, '0')}`);
    const held = keys.filter((k) => isHeldOut('demo', k, 0.1));
    expect(held.length).toBeGreaterThan(330);
    expect(held.length).toBeLessThan(470);
    expect(keys.filter((k) => isHeldOut('demo', k, 0.1))).toEqual(held);
    const heldAt20 = keys.filter((k) => isHeldOut('demo', k, 0.2));
    // A re-draw, not a superset: some of the 10% group are emailed under 20%.
    expect(held.some((k) => !heldAt20.includes(k))).toBe(true);
    expect(keys.some((k) => isHeldOut('demo', k, 0))).toBe(false);
    expect(isHeldOut('demo', null, 0.5)).toBe(false);
    expect(holdoutDraw('demo', keys[0]!, 0.1)).not.toBe(holdoutDraw('other', keys[0]!, 0.1));
  });

  it('config: measure.holdout defaults to 0 (off), allows 0..0.5, and a window duration', () => {
    expect(parseConfig({}).measure).toEqual({ holdout: 0, window: 30 * 86_400_000 });
    expect(parseConfig({ measure: { holdout: 0.1, window: '14d' } }).measure).toEqual({
      holdout: 0.1,
      window: 14 * 86_400_000,
    });
    expect(() => parseConfig({ measure: { holdout: 0.6 } })).toThrow(/measure\.holdout/);
    expect(() => parseConfig({ measure: { window: 'a month' } })).toThrow(/measure\.window/);
  });
});
