import fc from 'fast-check';
import { LosslessNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { sumDecimals, toDecimal } from '../../src/money/json-number.js';

const n = (text: string) => new LosslessNumber(text);

describe('money from webhook numbers', () => {
  it.each([
    ['3', '3'],
    ['89.99', '89.99'],
    ['19.990', '19.990'],
    ['-10.00', '-10.00'],
    ['8.999e1', '89.99'],
    ['1E+2', '100'],
    ['1.5e-3', '0.0015'],
    ['0.30000000000000004', '0.30000000000000004'],
  ])('the JSON number %s reads as the decimal string %s, digit for digit', (text, expected) => {
    expect(toDecimal(n(text))).toBe(expected);
  });

  it('accepts decimal strings and refuses what is not an amount', () => {
    expect(toDecimal('12.50')).toBe('12.50');
    expect(toDecimal(' 7 ')).toBe('7');
    for (const bad of ['12,50', '1e3', '', '.5', 'NaN', null, true, {}]) expect(toDecimal(bad)).toBeUndefined();
    expect(toDecimal(n('1e999999'))).toBeUndefined(); // would be a million-digit string
  });

  it('a JS number becomes its shortest exact text (0.1 + 0.2 is not rounded to 0.3, nor printed as 1e-7 style)', () => {
    expect(toDecimal(0.1)).toBe('0.1');
    expect(toDecimal(1e-7)).toBe('0.0000001');
    expect(toDecimal(Number.NaN)).toBeUndefined();
  });

  it('always yields what the canonical money pattern accepts, and round-trips its value', () => {
    fc.assert(
      // Exponents beyond ±40 are refused by design (see above); prices live far inside that.
      fc.property(fc.double({ min: -1e30, max: 1e30, noNaN: true }).filter((x) => x === 0 || Math.abs(x) >= 1e-30), (x) => {
        const text = toDecimal(n(JSON.stringify(x)));
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it('sums exactly', () => {
    expect(sumDecimals(['75.00', '10.00'])).toBe('85.00');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['10', '2.5', '-0.75'])).toBe('11.75');
    expect(sumDecimals(['-1.5', '0.25'])).toBe('-1.25');
    expect(sumDecimals(['820982911946154508', '1'])).toBe('820982911946154509');
  });
});
