// A click on "Add all to cart": the cart link the email's offer recorded, until the code expires,
// then the product page without it. Re-checked against the store's link policy like every click.
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { linkPolicy, safeLinkUrl } from '../ingest/safe-url.js';
import { cartTarget } from './cart-link.js';
import type { OfferDecision } from './prepare-offer.js';

/** Where the cart button of cross-sell `crossSellId` goes now; undefined: no offer was made. */
export async function cartClickTarget(
  pool: Pick<pg.Pool, 'query'>, crossSellId: string, store: Config['store'], now = new Date(),
): Promise<string | undefined> {
  const { rows } = await pool.query<{ offer: OfferDecision | null }>(`SELECT offer FROM cross_sells WHERE id = $1`, [crossSellId]);
  const offer = rows[0]?.offer;
  if (offer?.status !== 'offered') return undefined;
  const policy = linkPolicy(store);
  return safeLinkUrl(cartTarget(offer.cart, offer.expiresAt, now), policy) ?? safeLinkUrl(store.url, policy);
}
