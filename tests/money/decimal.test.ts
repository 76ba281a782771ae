// One money grammar (src/money/decimal.ts): every place that reads an amount accepts and
// refuses the same texts, and keeps the same normal form.
import { describe, expect, it } from 'vitest';
import { compareDecimal, lineValue, normaliseDecimal, parseDecimal, sumDecimals } from '../../src/money/decimal.js';
import { toCents } from '../../src/money/cents.js';
import { toDecimal } from '../../src/money/json-number.js';
import { money as cellMoney } from '../../src/import/readers/cell-values.js';
import { formatPrice } from '../../src/mail/format.js';
import { orderLineSchema } from '../../src/domain/canonical-event.js';

const accepted: [string, string][] = [
  ['12', '12'],
  ['12.5', '12.5'],
  ['12.50', '12.50'],
  ['.5', '0.5'],
  ['5.', '5'],
  ['-0.75', '-0.75'],
  ['-.5', '-0.5'],
  ['+3.10', '3.10'],
  [' 19.99 ', '19.99'],
  ['0.0', '0.0'],
  ['007', '007'],
];
const refused = [
  '',
  ' ',
  '-',
  '+',
  '.',
  '-.',
  '1e3',
  '1E+2',
  '1,000.00',
  '12,50',
  '12.5.1',
  'NaN',
  'Infinity',
  '0x10',
  '1 000',
  '٣',
  '12.5-',
];

describe('the money grammar', () => {
  it.each(accepted)('%j is the amount %j', (text, normal) => {
    expect(normaliseDecimal(text)).toBe(normal);
    expect(Number(normaliseDecimal(text))).toBe(Number(text));
  });

  it.each(refused)('%j is no amount', (text) => {
    expect(normaliseDecimal(text)).toBeUndefined();
    expect(parseDecimal(text)).toBeUndefined();
  });

  // CSV cells also drop a currency sign and thousands separators ("$1,000.00") before the grammar.
  const agreed = [...accepted.map(([t]) => t), ...refused.filter((t) => t !== '1,000.00')];
  it.each(agreed)('%j: every reader agrees', (text) => {
    const ok = normaliseDecimal(text) !== undefined;
    const line = { productId: 'P', title: 'T', quantity: 1, unitPrice: text };
    expect({
      cents: toCents(text) !== undefined,
      webhook: toDecimal(text) !== undefined,
      csvCell: cellMoney(text) !== undefined,
      email: formatPrice(text, 'USD', 'en-US') !== undefined,
      canonical: orderLineSchema.safeParse(line).success,
    }).toEqual({ cents: ok, webhook: ok, csvCell: ok, email: ok, canonical: ok });
  });

  it('keeps the normal form everywhere an amount is stored or shown', () => {
    expect(toDecimal('.5')).toBe('0.5');
    expect(cellMoney('£1,299.5')).toBe('1299.5');
    expect(cellMoney('$1,000.00')).toBe('1000.00');
    expect(orderLineSchema.parse({ productId: 'P', title: 'T', quantity: 1, unitPrice: ' .5 ' }).unitPrice).toBe('0.5');
    expect(formatPrice('.5', 'USD', 'en-US')).toBe('$0.50');
  });
});

describe('exact arithmetic', () => {
  it('compares line values exactly, never through floats', () => {
    const value = (unitPrice: string, quantity: number) => lineValue({ unitPrice, quantity });
    expect(compareDecimal(value('0.1', 3), value('0.3', 1))).toBe(0);
    expect(compareDecimal(value('.5', 2), value('0.99', 1))).toBe(1);
    expect(compareDecimal(value('9007199254740993', 1), value('9007199254740992', 1))).toBe(1);
    expect(compareDecimal(value('n/a', 5), value('0', 1))).toBe(0);
  });

  it('sums exactly at the largest scale', () => {
    expect(sumDecimals(['75.00', '10.00'])).toBe('85.00');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['10', '2.5', '-0.75'])).toBe('11.75');
    expect(sumDecimals(['-1.5', '0.25'])).toBe('-1.25');
    expect(sumDecimals(['820982911946154508', '1'])).toBe('820982911946154509');
    expect(sumDecimals(['.5', '5.'])).toBe('5.5');
    expect(sumDecimals([])).toBe('0');
    expect(() => sumDecimals(['12,50'])).toThrow(RangeError);
  });
});
