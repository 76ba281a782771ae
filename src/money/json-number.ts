// Money as decimal strings, never floats: numbers are rewritten from their source text, and
// sums are done on scaled BigInts.
import { isLosslessNumber } from 'lossless-json';

const plainDecimal = /^-?\d+(\.\d+)?$/;
const numberText = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;
/** Beyond this an exponent is not a price but a way to make us build a huge string. */
const maxExponent = 40;

/** A JSON number's text (`3`, `89.99`, `1.5e2`) or a decimal string, as a plain decimal string. */
export function toDecimal(value: unknown): string | undefined {
  if (typeof value === 'string') return plainDecimal.test(value.trim()) ? value.trim() : undefined;
  if (isLosslessNumber(value)) return fromNumberText(value.toString());
  if (typeof value === 'number' && Number.isFinite(value)) return fromNumberText(String(value));
  return undefined;
}

function fromNumberText(text: string): string | undefined {
  if (plainDecimal.test(text)) return text;
  const m = numberText.exec(text);
  if (!m) return undefined;
  const [, sign, intPart, fracPart = '', expText] = m;
  const exponent = Number(expText);
  if (Math.abs(exponent) > maxExponent) return undefined;
  const digits = intPart + fracPart;
  const point = intPart.length + exponent; // position of the decimal point within `digits`
  const padded = point < 0 ? '0'.repeat(-point) + digits : digits.padEnd(point, '0');
  const at = Math.max(point, 0);
  const whole = padded.slice(0, at).replace(/^0+(?=\d)/, '') || '0';
  const frac = padded.slice(at).replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** Exact sum of decimal strings. */
export function sumDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map((v) => v.split('.')[1]?.length ?? 0));
  const total = values.reduce((acc, v) => acc + scaled(v, scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale ? `.${frac}` : ''}`;
}

function scaled(decimal: string, scale: number): bigint {
  const negative = decimal.startsWith('-');
  const [whole, frac = ''] = decimal.replace('-', '').split('.');
  const n = BigInt(whole + frac.padEnd(scale, '0'));
  return negative ? -n : n;
}
