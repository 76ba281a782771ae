// A click on "Add all to cart": the cart link the email's offer recorded, until the code expires,
// then the product page without it. Re-checked against the store's link policy like every click.
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { settingsFor } from '../config/store-settings.js';
import { linkPolicy, safeLinkUrl } from '../links/safe-url.js';
import { cartTarget } from './cart-link.js';
import type { OfferDecision } from './prepare-offer.js';

/**
 * Where the cart button of cross-sell `crossSellId` goes now, with the settings of its store
 * (link hosts, UTM tags); undefined: no offer was made.
 */
export async function cartClickTarget(
  pool: Pick<pg.Pool, 'query'>,
  crossSellId: string,
  config: Config,
  now = new Date(),
): Promise<{ url: string; settings: Config } | undefined> {
  const { rows } = await pool.query<{ offer: OfferDecision | null; store: string }>(
    `SELECT offer, store FROM cross_sells WHERE id = $1`,
    [crossSellId],
  );
  const offer = rows[0]?.offer;
  if (!rows[0] || offer?.status !== 'offered') return undefined;
  const settings = settingsFor(config, rows[0].store);
  const policy = linkPolicy(settings.store);
  const url =
    safeLinkUrl(cartTarget(offer.cart, offer.expiresAt, now), policy) ?? safeLinkUrl(settings.store.url, policy);
  return url ? { url, settings } : undefined;
}
