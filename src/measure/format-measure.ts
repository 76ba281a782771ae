// The measurement for a terminal (`aftercart stats`): both groups side by side, the incremental
// revenue and reorder-rate lift with their 95% intervals, and the verdict.
import type { CurrencyMeasure, GroupFigures, Measure } from './measure.js';
import type { Interval } from './uplift.js';
import { signedMoney } from './verdict.js';

export function formatMeasure(m: Measure): string[] {
  const shares = m.periods.filter((p) => p.holdout > 0);
  if (shares.length === 0)
    return ['', '  measured uplift  off (set measure.holdout, e.g. 0.1, to hold out a share of customers)'];
  const lines = ['', `  measured uplift — emailed vs held-out customers, over ${m.window} after each (would-be) email`];
  for (const p of shares) lines.push(`    ${p.store}: ${(p.holdout * 100).toFixed(1)}% held out since ${p.since}`);
  const currencies = Object.entries(m.byCurrency);
  if (currencies.length === 0) lines.push('    nobody emailed or held out yet in this period');
  for (const [currency, c] of currencies) lines.push(...currencyLines(currency, c));
  return lines;
}

function currencyLines(currency: string, c: CurrencyMeasure): string[] {
  const row = (label: string, f: (g: GroupFigures) => string) =>
    `    ${label.padEnd(32)}${f(c.treated).padStart(14)}${f(c.heldOut).padStart(14)}`;
  const money = (n: number | null) => (n === null ? '–' : signedMoney(n, currency).replace(/^\+/, ''));
  const lines = [
    '',
    `    ${currency.padEnd(32)}${'emailed'.padStart(14)}${'held out'.padStart(14)}`,
    row('customers (window over)', (g) => String(g.customers)),
    row('ordered again', (g) =>
      g.reorderRate === null ? '–' : `${(g.reorderRate * 100).toFixed(1)}% (${g.reordered})`,
    ),
    row('revenue per customer, net', (g) => money(g.revenuePerCustomer)),
    row('orders with a recommended item', (g) => String(g.recommendedOrders)),
    row('still in their window', (g) => String(g.maturing)),
  ];
  if (c.incrementalPerEmail && c.incrementalTotal) {
    lines.push(
      `    incremental revenue  ${interval(c.incrementalPerEmail, (n) => signedMoney(n, currency))} per email, ` +
        `${interval(c.incrementalTotal, (n) => signedMoney(n, currency))} in total`,
    );
  }
  if (c.reorderRateLift) lines.push(`    reorder-rate lift    ${interval(c.reorderRateLift, points)}`);
  lines.push(`    verdict: ${c.verdict}`);
  return lines;
}

/** "+4.3 pts": a difference of two rates, in percentage points. */
export function points(n: number): string {
  return `${n >= 0 ? '+' : '−'}${Math.abs(n * 100).toFixed(1)} pts`;
}

export function interval(i: Interval, f: (n: number) => string): string {
  return `${f(i.estimate)} (95% CI ${f(i.low)} to ${f(i.high)})`;
}
