// The worker's one call for the bundle offer: price the bundle, get a code for this email from
// the configured source, build the cart links, record the decision on the cross-sell, and hand
// the email its panel — or null, with the reason recorded, when no usable code could be had.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { BundleConfig, Config } from '../config/schema.js';
import { sql } from '../db/sql.js';
import type { BundleOfferData } from '../mail/render.js';
import type { ChosenItem } from '../recommend/item-picker-interface.js';
import { offerExpiry, priceBundle, type BundlePricing } from './bundle.js';
import { CART_LINK_ID, cartLinks, type CartLinks, type Platform } from './cart-link.js';
import { codeName } from './codes/code-name.js';
import type { CodeApi, IssueResult, OfferReason } from './codes/issuer.js';
import { takePoolCode } from './codes/pool.js';

const q = { facts: sql(import.meta.url, 'offer-facts') };

export type OfferDecision =
  | {
      status: 'offered';
      source: string;
      code: string;
      expiresAt: string | null;
      currency: string;
      total: string;
      discounted: string;
      saving: string;
      productIds: string[];
      cart: CartLinks;
    }
  | { status: 'none'; reason: OfferReason; source: string; detail?: string };

export interface OfferDeps {
  pool: pg.Pool;
  /** Signs `/c/` tokens; its signature of a fixed token also names API-made codes (codes/code-name.ts). */
  links: { sign(token: { kind: 'c'; crossSellId: string; productId: string }): string };
  publicUrl: string;
  log: Logger;
  /** Store platform APIs that make codes (built from SHOPIFY_ADMIN_TOKENS / WOOCOMMERCE_API_KEYS). */
  apis?: { shopify?: CodeApi; woocommerce?: CodeApi };
}

export interface OfferRequest {
  config: Pick<Config, 'store' | 'recommend'>;
  crossSell: { id: string; store: string; currency: string; email: string };
  items: ChosenItem[];
  /** The customer's zone: the expiry is shown in it. */
  timezone: string;
  now: Date;
}

/** The email's bundle panel (null: none), with the decision recorded on the cross-sell. */
export async function prepareOffer(deps: OfferDeps, req: OfferRequest): Promise<BundleOfferData | null> {
  const bundle = req.config.recommend.bundle;
  if (!bundle) return null;
  const { crossSell } = req;
  const priced = priceBundle(
    req.items.map((i) => ({ ...i, required: i.source === 'required' })),
    bundle,
    crossSell.currency,
  );
  if (!priced.ok)
    return none(deps, crossSell.id, { status: 'none', reason: priced.reason, source: bundle.codes.source });
  const pricing = priced.pricing;
  const productIds = pricing.items.map((i) => i.productId);
  const expiresAt = bundle.codes.source === 'static' ? null : offerExpiry(req.now, bundle.validFor);
  const issued = await issueCode(deps, bundle, req, productIds, expiresAt ?? req.now);
  if (!issued.ok) {
    return none(deps, crossSell.id, {
      status: 'none',
      reason: issued.reason,
      source: bundle.codes.source,
      detail: issued.detail,
    });
  }
  const facts = await deps.pool.query<{ platform: Platform; variants: Record<string, string | null> }>(q.facts, [
    crossSell.store,
    productIds,
  ]);
  const { platform, variants } = facts.rows[0]!;
  const urls = new Map(req.items.map((i) => [i.productId, i.url]));
  const cart = cartLinks(
    platform,
    req.config.store.url,
    productIds.map((id) => ({ productId: id, variantId: variants[id], url: urls.get(id) })),
    issued.code,
  );
  const decision: OfferDecision = {
    status: 'offered',
    source: bundle.codes.source,
    code: issued.code,
    expiresAt: expiresAt?.toISOString() ?? null,
    currency: crossSell.currency,
    total: pricing.total,
    discounted: pricing.discounted,
    saving: pricing.saving,
    productIds,
    cart,
  };
  await record(deps.pool, crossSell.id, decision);
  return panel(deps, req, pricing, decision);
}

/** A code from the configured source; API-made codes are kept in offer_codes for attribution. */
async function issueCode(
  deps: OfferDeps,
  bundle: BundleConfig,
  req: OfferRequest,
  productIds: string[],
  expiresAt: Date,
): Promise<IssueResult> {
  const { crossSell } = req;
  const codes = bundle.codes;
  if (codes.source === 'static') return { ok: true, code: codes.code };
  if (codes.source === 'pool') return takePoolCode(deps.pool, crossSell.store, crossSell.id, expiresAt);
  // A retried job reuses the code an earlier try made.
  const earlier = await deps.pool.query<{ code: string }>(`SELECT code FROM offer_codes WHERE cross_sell_id = $1`, [
    crossSell.id,
  ]);
  if (earlier.rows[0]) return { ok: true, code: earlier.rows[0].code };
  const api = deps.apis?.[codes.source];
  if (!api) return { ok: false, reason: 'no_credentials' };
  const code = codeName(
    bundle.prefix,
    deps.links.sign({ kind: 'c', crossSellId: crossSell.id, productId: '@code' }).split('.')[1]!,
  );
  const result = await api.issue({
    store: crossSell.store,
    crossSellId: crossSell.id,
    code,
    productIds,
    email: crossSell.email,
    startsAt: req.now,
    endsAt: expiresAt,
    percent: bundle.percent,
    amount: bundle.amount,
    title: `Aftercart bundle ${crossSell.id}`,
  });
  if (result.ok) {
    await deps.pool.query(
      `INSERT INTO offer_codes (store, code, source, cross_sell_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [crossSell.store, result.code, codes.source, crossSell.id, req.now, expiresAt],
    );
  } else {
    deps.log.warn(
      { crossSellId: crossSell.id, store: crossSell.store, reason: result.reason, detail: result.detail },
      'no bundle code: sent without the panel',
    );
  }
  return result;
}

function panel(
  deps: OfferDeps,
  req: OfferRequest,
  pricing: BundlePricing,
  decision: OfferDecision & { status: 'offered' },
): BundleOfferData {
  const token = deps.links.sign({ kind: 'c', crossSellId: req.crossSell.id, productId: CART_LINK_ID });
  return {
    percent: pricing.percent,
    amount: pricing.amount,
    code: decision.code,
    items: pricing.items.map((i) => ({ title: i.title, price: i.price })),
    total: pricing.total,
    discounted: pricing.discounted,
    saving: pricing.saving,
    expiresAt: decision.expiresAt ?? undefined,
    timezone: req.timezone,
    cartHref: `${deps.publicUrl}/c/${token}`,
  };
}

async function none(deps: OfferDeps, crossSellId: string, decision: OfferDecision): Promise<null> {
  await record(deps.pool, crossSellId, decision);
  return null;
}

async function record(pool: pg.Pool, crossSellId: string, decision: OfferDecision): Promise<void> {
  await pool.query(`UPDATE cross_sells SET offer = $2 WHERE id = $1`, [crossSellId, JSON.stringify(decision)]);
}
