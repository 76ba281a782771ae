// Money stays exact: decimal strings are summed as integer cents (rounded half away from zero,
// as Postgres rounds into numeric(14, 2)), never as floats. Used by imports and order totals.

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Cents of a decimal string such as "2.55", "-11062.06" or "0.001"; undefined when not a decimal. */
export function toCents(text: string): bigint | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = BigInt(m[2] || '0') * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return m[1] === '-' ? -cents : cents;
}

/** "12.50" from 1250n. */
export function formatCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Largest magnitude numeric(14, 2) holds. */
export const MAX_CENTS = 10n ** 14n - 1n;
