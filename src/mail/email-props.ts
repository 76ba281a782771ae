// The props of the cross-sell email (what the template shows) from what the worker knows: the
// store's config, the cross-sell as workers/load-cross-sell.ts loads it, the chosen items with
// their tracked links, and the unsubscribe URL. Pure: no I/O, no clock. Used by workers/compose.ts
// for every send and every `aftercart preview`.
import type { Config } from '../config/schema.js';
import type { ChosenItem } from '../recommend/item-picker-interface.js';
import type { BundleOfferData, CrossSellProps } from './render.js';

/** The part of a loaded cross-sell (workers/load-cross-sell.ts `LoadedCrossSell`) the email shows. */
export interface CrossSellForEmail {
  locale: string | null;
  currency: string | null;
  firstName: string | null;
  lines: { title: string; quantity: number }[];
}

/** A chosen item with the link the email uses for it (`/c/:token` on PUBLIC_URL). */
export type LinkedItem = ChosenItem & { href: string };

export interface EmailPropsInput {
  config: Pick<Config, 'store' | 'recommend'>;
  crossSell: CrossSellForEmail;
  items: LinkedItem[];
  unsubscribeUrl: string;
  /**
   * The bundle offer the worker decided (src/offers/prepare-offer.ts); null: none for this email.
   * Absent (`preview`): the static code from config when there is one.
   */
  offer?: BundleOfferData | null;
}

export const DEFAULT_LOCALE = 'en-US';
export const DEFAULT_CURRENCY = 'USD';

export function emailProps(input: EmailPropsInput): CrossSellProps {
  const { config, crossSell, items, unsubscribeUrl } = input;
  const currency = emailCurrency(crossSell.currency, items);
  const { store } = config;
  return {
    store: { name: store.name, url: store.url, logoUrl: store.logoUrl, colors: store.colors, address: store.address },
    locale: crossSell.locale ?? store.locale ?? DEFAULT_LOCALE,
    currency,
    customer: { firstName: crossSell.firstName ?? undefined },
    bought: boughtTitles(crossSell.lines),
    items: items.map((i) => ({
      productId: i.productId,
      title: i.title,
      imageUrl: i.imageUrl,
      // The template formats every price in the order's currency: a catalog price in another
      // currency (a multi-currency store) is left out rather than shown with the wrong symbol.
      price: sameCurrency(i.currency, currency) ? i.price : undefined,
      href: i.href,
      reasonCode: i.reasonCode,
      anchorTitle: i.anchorTitle,
      required: i.source === 'required',
    })),
    bundle: 'offer' in input ? (input.offer ?? null) : staticOffer(config.recommend.bundle),
    unsubscribeUrl,
  };
}

/** The order's currency, else the items', else USD: every price in the email is in it. */
export function emailCurrency(orderCurrency: string | null, items: { currency?: string }[]): string {
  return (orderCurrency ?? items.find((i) => i.currency)?.currency ?? DEFAULT_CURRENCY).trim().toUpperCase();
}

/** The static form's code without a priced bundle: what `preview` shows when no offer was decided. */
function staticOffer(bundle: Config['recommend']['bundle']): BundleOfferData | null {
  if (!bundle || bundle.codes.source !== 'static') return null;
  return { percent: bundle.percent, amount: bundle.amount, code: bundle.codes.code };
}

function sameCurrency(itemCurrency: string | undefined | null, currency: string): boolean {
  return !itemCurrency || itemCurrency.trim().toUpperCase() === currency;
}

/** Each bought product once, in order (refunded-to-zero lines left out). */
function boughtTitles(lines: CrossSellForEmail['lines']): { title: string }[] {
  return [...new Set(lines.filter((l) => l.quantity > 0).map((l) => l.title))].map((title) => ({ title }));
}
