// Money stays exact: decimal strings are summed as integer cents (rounded half away from zero,
// as Postgres rounds into numeric(14, 2)), never as floats. Used by imports and order totals.
import { parseDecimal } from './decimal.js';

/** Cents of a decimal string such as "2.55", "-11062.06", ".5" or "0.001"; undefined when not a decimal. */
export function toCents(text: string): bigint | undefined {
  const d = parseDecimal(text);
  if (!d) return undefined;
  const abs = d.units < 0n ? -d.units : d.units;
  // Beyond two places, the first dropped digit decides: adding half the divisor rounds it up from 5.
  const divisor = d.scale > 2 ? 10n ** BigInt(d.scale - 2) : 1n;
  const cents = d.scale > 2 ? (abs + divisor / 2n) / divisor : abs * 10n ** BigInt(2 - d.scale);
  return d.units < 0n ? -cents : cents;
}

/** "12.50" from 1250n. */
export function formatCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Largest magnitude numeric(14, 2) holds. */
export const MAX_CENTS = 10n ** 14n - 1n;

/** Exact decimal sum of price × quantity, in cents, back to a decimal string. */
export function sumMoney(items: [string, number][]): string {
  let cents = 0n;
  for (const [price, qty] of items) cents += (toCents(price) ?? 0n) * BigInt(qty);
  return formatCents(cents);
}
