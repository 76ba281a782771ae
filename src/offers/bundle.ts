// The bundle an email offers, decided purely: which chosen items form it (the required accessory
// first), what they cost together, the discounted total and the saving, in exact cents. The
// email formats these for the customer's locale; the code and its expiry come from codes/.
import type { BundleConfig } from '../config/schema.js';
import { formatCents, toCents } from '../money/cents.js';

export interface BundleCandidate {
  productId: string;
  title: string;
  /** Decimal string in `currency`; an item without a price in the order's currency is left out. */
  price?: string;
  currency?: string;
  required?: boolean;
}

export interface BundlePricing {
  items: { productId: string; title: string; price: string }[];
  /** Decimal strings in the order's currency. */
  total: string;
  discounted: string;
  saving: string;
  percent?: number;
  amount?: string;
}

export type BundleVerdict = { ok: true; pricing: BundlePricing } | { ok: false; reason: 'too_few_items' };

/** The bundle of `items` in `currency`, or why there is none (fewer than `minItems` with a price). */
export function priceBundle(
  items: readonly BundleCandidate[],
  offer: Pick<BundleConfig, 'percent' | 'amount' | 'minItems'>,
  currency: string,
): BundleVerdict {
  const ordered = [...items.filter((i) => i.required), ...items.filter((i) => !i.required)];
  const priced = ordered.flatMap((i) => {
    const cents = i.price === undefined ? undefined : toCents(i.price);
    const sameCurrency = !i.currency || i.currency.trim().toUpperCase() === currency.toUpperCase();
    return cents !== undefined && cents > 0n && sameCurrency ? [{ ...i, cents }] : [];
  });
  if (priced.length < offer.minItems) return { ok: false, reason: 'too_few_items' };
  const total = priced.reduce((sum, i) => sum + i.cents, 0n);
  const saving = savingOf(total, offer);
  return {
    ok: true,
    pricing: {
      items: priced.map((i) => ({ productId: i.productId, title: i.title, price: formatCents(i.cents) })),
      total: formatCents(total),
      discounted: formatCents(total - saving),
      saving: formatCents(saving),
      ...(offer.percent !== undefined ? { percent: offer.percent } : { amount: offer.amount }),
    },
  };
}

/** Percent off rounded half up to the cent; a fixed amount never more than the total. */
export function savingOf(totalCents: bigint, offer: Pick<BundleConfig, 'percent' | 'amount'>): bigint {
  if (offer.amount !== undefined) {
    const amount = toCents(offer.amount) ?? 0n;
    return amount > totalCents ? totalCents : amount;
  }
  // percent may have decimals (12.5): work in thousandths of a percent.
  const milli = BigInt(Math.round((offer.percent ?? 0) * 1000));
  return (totalCents * milli + 50_000n) / 100_000n;
}

/** When a code issued at `issuedAt` stops working. */
export function offerExpiry(issuedAt: Date, validForMs: number): Date {
  return new Date(issuedAt.getTime() + validForMs);
}
