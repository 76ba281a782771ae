// Exact line values (quantity × unit price) so the most valuable line is never misordered by floats.
import type { TimedLine } from '../timing/types.js';

interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const ZERO: Decimal = { units: 0n, scale: 0 };

function parseDecimal(text: unknown): Decimal | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const frac = m[3] ?? '';
  const units = BigInt(m[2] + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

/** quantity × unitPrice; an unparseable price or quantity counts as zero rather than throwing. */
export function lineValue(line: TimedLine): Decimal {
  const price = parseDecimal(line.unitPrice);
  const qty = Number.isFinite(line.quantity) ? parseDecimal(String(line.quantity)) : undefined;
  if (!price || !qty) return ZERO;
  return { units: price.units * qty.units, scale: price.scale + qty.scale };
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}
