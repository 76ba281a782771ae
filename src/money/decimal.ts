// Money as exact decimals, never floats: the one grammar every amount is read by.
//
// Accepted (after trimming whitespace): an optional sign, digits, an optional point and
// fraction, and either side of the point may be empty but not both — "12", "12.5", "12.50",
// ".5", "5.", "-0.75", "+3.10". Platforms send "19.99", "0.0" and bare JSON numbers (see
// json-number.ts); CSV exports and hand-written files add ".5" and "5.", which Postgres numeric
// takes too, so we are lenient there. Refused: "", "-", ".", exponents in text ("1e3"),
// separators ("1,000.00", "12,50"), "NaN". What we keep is the normal form "-?\d+(\.\d+)?".

/** An exact decimal: units × 10^-scale. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const GRAMMAR = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;
const ZERO: Decimal = { units: 0n, scale: 0 };

interface Parts {
  negative: boolean;
  whole: string;
  fraction: string;
}

function parts(text: unknown): Parts | undefined {
  if (typeof text !== 'string') return undefined;
  const m = GRAMMAR.exec(text.trim());
  if (!m) return undefined;
  return { negative: m[1] === '-', whole: m[2] ?? '', fraction: m[3] ?? m[4] ?? '' };
}

/** The decimal a string holds, or undefined when it is not one (see the grammar above). */
export function parseDecimal(text: unknown): Decimal | undefined {
  const p = parts(text);
  if (!p) return undefined;
  const units = BigInt((p.whole || '0') + p.fraction);
  return { units: p.negative ? -units : units, scale: p.fraction.length };
}

/** The normal form of an amount: ".5" → "0.5", "5." → "5", "+3.10" → "3.10"; digits kept as written. */
export function normaliseDecimal(text: unknown): string | undefined {
  const p = parts(text);
  if (!p) return undefined;
  return `${p.negative ? '-' : ''}${p.whole || '0'}${p.fraction ? `.${p.fraction}` : ''}`;
}

/** quantity × unitPrice; an unparseable price or quantity counts as zero rather than throwing. */
export function lineValue(line: { unitPrice: string; quantity: number }): Decimal {
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

/** Exact sum of decimal strings, at the largest scale among them ("75.00" + "10" → "85.00"). */
export function sumDecimals(values: readonly string[]): string {
  const decimals = values.map((v) => {
    const d = parseDecimal(v);
    if (!d) throw new RangeError(`not a decimal amount: ${JSON.stringify(v)}`);
    return d;
  });
  const scale = Math.max(0, ...decimals.map((d) => d.scale));
  const total = decimals.reduce((acc, d) => acc + d.units * 10n ** BigInt(scale - d.scale), 0n);
  return formatDecimal({ units: total, scale });
}

/** "-11.75" from { units: -1175n, scale: 2 }. */
export function formatDecimal(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale);
  return `${negative ? '-' : ''}${whole}${d.scale ? `.${fraction}` : ''}`;
}
