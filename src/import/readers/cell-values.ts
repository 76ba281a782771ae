// Small cell parsers shared by the CSV readers. Money stays a decimal string end to end.
import { normaliseDecimal } from '../../money/decimal.js';

/** A cell's amount in normal form ("£1,299.5" → "1299.5"); undefined for empty or not a number. */
export function money(text: string): string | undefined {
  // Exports add a currency sign and thousands separators; the rest is the one money grammar.
  return normaliseDecimal(
    text
      .trim()
      .replace(/^[£$€]/, '')
      .replace(/,(?=\d{3}\b)/g, ''),
  );
}

/** Whole number or undefined. */
export function integer(text: string): number | undefined {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return undefined;
  return Number(t);
}

/** Comma-separated list, trimmed, empties dropped. */
export function list(text: string, sep: string | RegExp = ','): string[] {
  return text
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** TRUE/true/yes/1 → true, FALSE/false/no/0 → false, anything else undefined. */
export function bool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(t)) return true;
  if (['false', 'no', '0', 'n'].includes(t)) return false;
  return undefined;
}

/**
 * Shopify export times: "2023-05-01 10:22:33 -0400" (also ISO). Undefined when empty or unreadable.
 */
export function shopifyTime(text: string): Date | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*([+-]\d{2}):?(\d{2})$/.exec(t);
  const d = m ? new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`) : new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
