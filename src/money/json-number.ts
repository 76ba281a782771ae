// Amounts in webhook JSON: a decimal string, or a JSON number rewritten from its source text
// (lossless-json), never through a float. Both end as the normal form of decimal.ts.
import { isLosslessNumber } from 'lossless-json';
import { normaliseDecimal } from './decimal.js';

const numberText = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;
/** Beyond this an exponent is not a price but a way to make us build a huge string. */
const maxExponent = 40;

/** A JSON number's text (`3`, `89.99`, `1.5e2`) or a decimal string, as a plain decimal string. */
export function toDecimal(value: unknown): string | undefined {
  if (typeof value === 'string') return normaliseDecimal(value);
  if (isLosslessNumber(value)) return fromNumberText(value.toString());
  if (typeof value === 'number' && Number.isFinite(value)) return fromNumberText(String(value));
  return undefined;
}

function fromNumberText(text: string): string | undefined {
  const plain = normaliseDecimal(text);
  if (plain !== undefined) return plain;
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
