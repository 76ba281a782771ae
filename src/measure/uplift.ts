// The statistics of the measurement (issue 20), pure: intervals for the difference the emails
// make, treated minus held out, and a verdict in plain words.
//
// Revenue per customer: Welch's interval. It needs only each group's count, sum and sum of
// squares (so the database aggregates and no customer rows travel), allows the groups unequal
// sizes and variances (a 10% holdout is small), and is deterministic, which a bootstrap is not;
// with the hundreds of customers a verdict needs, the mean's sampling distribution is close to
// normal even for skewed revenue. Reorder rates: Newcombe's hybrid score interval (Wilson per
// group), which keeps its 95% for small rates and counts where the Wald interval falls short.

/** One group's revenue per customer, as the database sums it. */
export interface Sample {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

const Z = 1.959963984540054;
/** t quantiles for 97.5% at 1..5 degrees of freedom; above, the Cornish-Fisher series is exact to 1e-4. */
const T_SMALL = [12.706205, 4.302653, 3.182446, 2.776445, 2.570582];

/** The 97.5% quantile of Student's t with `df` degrees of freedom (fractional df rounds down). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  if (df < 6) return T_SMALL[Math.floor(df) - 1]!;
  const z = Z;
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3) +
    (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * df ** 4)
  );
}

function meanAndVariance(s: Sample): { mean: number; variance: number } {
  const mean = s.sum / s.n;
  return { mean, variance: Math.max(0, (s.sumOfSquares - s.n * mean * mean) / (s.n - 1)) };
}

/** Welch's 95% interval for mean(a) − mean(b); null below two customers a group. */
export function welchInterval(a: Sample, b: Sample): Interval | null {
  if (a.n < 2 || b.n < 2) return null;
  const x = meanAndVariance(a);
  const y = meanAndVariance(b);
  const va = x.variance / a.n;
  const vb = y.variance / b.n;
  const estimate = x.mean - y.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { estimate, low: estimate, high: estimate };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = tQuantile975(df) * se;
  return { estimate, low: estimate - half, high: estimate + half };
}

/** Wilson's 95% score interval for a proportion x/n. */
export function wilsonInterval(x: number, n: number): Interval {
  const p = x / n;
  const denominator = 1 + (Z * Z) / n;
  const centre = (p + (Z * Z) / (2 * n)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / denominator;
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score 95% interval for x1/n1 − x2/n2 (his method 10); null for an empty group. */
export function rateDifferenceInterval(x1: number, n1: number, x2: number, n2: number): Interval | null {
  if (n1 < 1 || n2 < 1) return null;
  const a = wilsonInterval(x1, n1);
  const b = wilsonInterval(x2, n2);
  const estimate = a.estimate - b.estimate;
  return {
    estimate,
    low: estimate - Math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2),
    high: estimate + Math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2),
  };
}

/**
 * About how many more emails (with the held-out group growing in step) would make the interval
 * exclude zero if the difference stayed as measured: the half-width shrinks as 1/√n. Null when
 * the interval already excludes zero or the measured difference is zero.
 */
export function emailsToSettle(interval: Interval, treated: number): number | null {
  if (interval.low > 0 || interval.high < 0 || interval.estimate === 0) return null;
  const half = (interval.high - interval.low) / 2;
  return Math.max(1, Math.ceil(treated * ((half / Math.abs(interval.estimate)) ** 2 - 1)));
}
