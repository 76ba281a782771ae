import fc from 'fast-check';
import { LosslessNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { toDecimal } from '../../src/money/json-number.js';

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

  it('accepts decimal strings in normal form and refuses what is not an amount', () => {
    expect(toDecimal('12.50')).toBe('12.50');
    expect(toDecimal(' 7 ')).toBe('7');
    expect(toDecimal('.5')).toBe('0.5');
    expect(toDecimal('+3.10')).toBe('3.10');
    for (const bad of ['12,50', '1e3', '', '.', 'NaN', null, true, {}]) expect(toDecimal(bad)).toBeUndefined();
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
      fc.property(
        fc.double({ min: -1e30, max: 1e30, noNaN: true }).filter((x) => x === 0 || Math.abs(x) >= 1e-30),
        (x) => {
          const text = toDecimal(n(JSON.stringify(x)));
          expect(text).toMatch(/^-?\d+(\.\d+)?$/);
          expect(Number(text)).toBe(x === 0 ? 0 : x);
        },
      ),
    );
  });
});
