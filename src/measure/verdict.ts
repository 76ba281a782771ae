// The measurement in plain words (issue 20): "+$1.84 per email, 95% CI −$0.20 to +$3.90: not yet
// conclusive; about 1,900 more emails at this rate would settle it".
import { emailsToSettle, type Interval } from './uplift.js';

/** A signed amount in a currency ("+$1.84", "−€0.20"); an unknown code is written after it. */
export function signedMoney(amount: number, currency: string): string {
  const rounded = Math.round(amount * 100) / 100 || 0;
  let text: string;
  try {
    text = new Intl.NumberFormat('en-US', { style: 'currency', currency, signDisplay: 'always' }).format(rounded);
  } catch {
    text = `${rounded >= 0 ? '+' : '-'}${Math.abs(rounded).toFixed(2)} ${currency}`;
  }
  return text.replace(/^-/, '−');
}

/** "about 1,900": two significant figures are all such a forecast is worth. */
export function roughCount(n: number): string {
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return (Math.round(n / magnitude) * magnitude).toLocaleString('en-US');
}

export interface VerdictInput {
  currency: string;
  /** Incremental revenue per email, null when a group has fewer than two customers. */
  perEmail: Interval | null;
  treated: number;
  heldOut: number;
}

export function verdict({ currency, perEmail, treated, heldOut }: VerdictInput): string {
  if (!perEmail) {
    return (
      `not enough to measure yet: ${treated} emailed and ${heldOut} held-out customers have completed their window` +
      ' (at least 2 in each group are needed, hundreds for a useful answer)'
    );
  }
  const head = `${signedMoney(perEmail.estimate, currency)} per email, 95% CI ${signedMoney(perEmail.low, currency)} to ${signedMoney(perEmail.high, currency)}`;
  if (perEmail.low > 0) return `${head}: the emails bring in revenue that would not have come without them`;
  if (perEmail.high < 0) return `${head}: the emails cost revenue compared with sending none`;
  const more = emailsToSettle(perEmail, treated);
  return more === null
    ? `${head}: not yet conclusive; no difference measured so far`
    : `${head}: not yet conclusive; about ${roughCount(more)} more emails at this rate would settle it`;
}
