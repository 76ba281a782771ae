// The webhook JSON reader keeps every digit of long integers, and only of numbers.
import { describe, expect, it } from 'vitest';
import { isLosslessNumber } from 'lossless-json';
import { parseJsonBody, markLongIntegers } from '../../../src/ingest/sources/json-body.js';

const read = (text: string) => parseJsonBody(Buffer.from(text)) as Record<string, unknown>;
const digits = (v: unknown) => (isLosslessNumber(v) ? v.toString() : `not a number: ${String(v)}`);

describe('reading a webhook body', () => {
  it('keeps the digits of ids beyond 2^53, negative ones too', () => {
    const body = read('{"id": 820982911946154508, "parent": -1234567890123456789, "list": [115310627314723954]}');
    expect(digits(body.id)).toBe('820982911946154508');
    expect(digits(body.parent)).toBe('-1234567890123456789');
    expect(digits((body.list as unknown[])[0])).toBe('115310627314723954');
  });

  it('leaves long digit runs inside strings, escaped quotes included, as they are', () => {
    const body = read('{"note": "order 820982911946154508, \\"ref\\": 999999999999999999", "n": 5}');
    expect(body.note).toBe('order 820982911946154508, "ref": 999999999999999999');
    expect(digits(body.n)).toBe('5');
  });

  it('does not split fractions and exponents with many digits', () => {
    const body = read('{"a": 0.30000000000000004, "b": 8.999e1, "c": 1.5E+20}');
    expect(digits(body.a)).toBe('0.30000000000000004');
    expect(digits(body.b)).toBe('89.99');
    expect(Number(digits(body.c))).toBe(1.5e20);
  });

  it('marks nothing when there is nothing to mark', () => {
    const text = '{"id": 123456789012345, "s": "1234567890123456789"}';
    expect(markLongIntegers(text)).toBe(text);
  });

  it('keeps the exact text of a number whose integer part is too long for a double', () => {
    const body = read('{"a": 12345678901234567890.25, "b": -98765432109876543210e-3}');
    expect(digits(body.a)).toBe('12345678901234567890.25');
    expect(digits(body.b)).toBe('-98765432109876543210e-3');
  });

  it('reads 40,000 digits followed by a "." as the exact number, or as text inside a string', () => {
    const run = '7'.repeat(40_000);
    const body = read(`{"n": ${run}.5, "note": "${run}. thanks", "id": 820982911946154508}`);
    expect(digits(body.n)).toBe(`${run}.5`);
    expect(body.note).toBe(`${run}. thanks`);
    expect(digits(body.id)).toBe('820982911946154508');
    expect(() => read(`{"n": ${run}.}`)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('keeps a "__proto__" key as a plain property holding its number', () => {
    const body = read('{"__proto__": 820982911946154508, "n": {"__proto__": 5}}');
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toEqual(['__proto__', 'n']);
    expect(digits(Object.getOwnPropertyDescriptor(body, '__proto__')?.value)).toBe('820982911946154508');
    expect(digits(Object.getOwnPropertyDescriptor(body.n, '__proto__')?.value)).toBe('5');
  });

  it('answers JSON nested too deeply with a 400', () => {
    expect(() => read('['.repeat(200_000) + ']'.repeat(200_000))).toThrow(/nested too deeply/);
  });

  it('answers malformed JSON with a 400', () => {
    expect(() => read('{"id": 820982911946154508')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => read('{"id": 820982911946154508,,}')).toThrow(/not valid JSON/);
  });
});

describe('marking long integers', () => {
  it('leaves the digits of a fraction or an exponent alone', () => {
    for (const text of [
      '[1.12345678901234567890]',
      '[1e12345678901234567890]',
      '[1E+12345678901234567890]',
      '[-0.12345678901234567890]',
    ]) {
      expect(markLongIntegers(text)).toBe(text);
    }
  });
  it('finds a long integer after strings with escaped quotes and backslashes', () => {
    const text = '{"a": "x\\\\", "b": "y\\"z", "id": 1234567890123456789}';
    expect(JSON.parse(markLongIntegers(text)).id).toBe('\u0000#1234567890123456789');
  });
});
