// Cents: what imports and order totals sum, rounded half away from zero as numeric(14, 2) rounds.
import { describe, expect, it } from 'vitest';
import { formatCents, sumMoney, toCents } from '../../src/money/cents.js';

describe('cents', () => {
  it.each([
    ['2.55', 255n],
    ['-11062.06', -1106206n],
    ['0.001', 0n],
    ['0.005', 1n],
    ['-0.005', -1n],
    ['18', 1800n],
    ['.5', 50n],
    ['1.', 100n],
    ['+3.10', 310n],
    ['0.00499', 0n],
    ['0.0051', 1n],
    ['-.125', -13n],
    [' 7 ', 700n],
    ['99999999999999.99', 9999999999999999n],
  ])('%s → %s cents', (text, cents) => expect(toCents(text)).toBe(cents));

  it.each(['', '-', '.', '+', '-.', 'abc', '1e3', '1,000.00', '12,50', '12.5.1', 'NaN', '٣'])(
    '%j is not a decimal',
    (text) => {
      expect(toCents(text)).toBeUndefined();
    },
  );

  it('formats cents', () => {
    expect([0n, 5n, -5n, 1234n, -1106206n].map(formatCents)).toEqual(['0.00', '0.05', '-0.05', '12.34', '-11062.06']);
  });

  it('sums price × quantity exactly; a price that is no amount counts as zero', () => {
    expect(
      sumMoney([
        ['0.1', 3],
        ['0.2', 1],
      ]),
    ).toBe('0.50');
    expect(
      sumMoney([
        ['19.99', 2],
        ['.5', 1],
        ['n/a', 4],
      ]),
    ).toBe('40.48');
    expect(sumMoney([])).toBe('0.00');
  });
});
