// Which webhook secrets may speak for a delivery's store. A WooCommerce site signs with its own
// secret (WOOCOMMERCE_WEBHOOK_SECRETS="shop-a.example=… shop-b.example=…"); a Shopify app's secret
// covers every shop it is installed on, and one deployment may serve several apps
// (SHOPIFY_WEBHOOK_SECRETS, tried in turn; `shop.myshopify.com=secret` pins one to a shop).
// A store with secrets of its own is checked against those only, so shop A's secret never
// signs for shop B; other stores are checked against the unpinned secrets.
import { header, type Headers, type Source, WebhookRejection } from './source.js';

export interface SourceSecrets {
  /** Secrets that may speak for any store without secrets of its own. */
  any: string[];
  /** Secrets pinned to one store (lower-case store key). */
  byStore: Map<string, string[]>;
}

export interface WebhookSecrets {
  shopify: SourceSecrets;
  woocommerce: SourceSecrets;
  /** Standard Webhooks: the store is in the signed body, so every key speaks for every store. */
  events: SourceSecrets;
}

const none = (): SourceSecrets => ({ any: [], byStore: new Map() });

// "host=" at the start or after a space or comma: WooCommerce's generated secrets may hold
// spaces, commas and "=", so an entry runs until the next "host=".
const SITE_ENTRY = /(?:^|[\s,]+)((?:[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost|\[[0-9a-f:]+\])(?::\d{1,5})?)=/gi;

/** `site=secret` entries (WOOCOMMERCE_WEBHOOK_SECRETS); text before the first entry is refused. */
export function parseSiteSecrets(text: string): Map<string, string[]> | string {
  const entries = [...text.matchAll(SITE_ENTRY)];
  if (entries.length === 0 || text.slice(0, entries[0]!.index).trim() !== '') {
    return 'expected "site.host=secret" entries separated by spaces, e.g. "shop-a.example=s3cret shop-b.example=0ther"';
  }
  const byStore = new Map<string, string[]>();
  for (const [i, m] of entries.entries()) {
    const end = entries[i + 1]?.index ?? text.length;
    const secret = text.slice(m.index + m[0].length, end).trim();
    const site = m[1]!.toLowerCase();
    if (!secret) return `${site}: no secret after "="`;
    byStore.set(site, [...(byStore.get(site) ?? []), secret]);
  }
  return byStore;
}

const SHOP_PIN = /^([a-z0-9][a-z0-9-]*\.myshopify\.com)=(.+)$/i;

/** App secrets separated by spaces or commas; `shop.myshopify.com=secret` pins one to a shop. */
export function parseAppSecrets(text: string | undefined, single?: string): SourceSecrets {
  const set = none();
  if (single) set.any.push(single);
  for (const entry of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const pin = SHOP_PIN.exec(entry);
    if (!pin) set.any.push(entry);
    else set.byStore.set(pin[1]!.toLowerCase(), [...(set.byStore.get(pin[1]!.toLowerCase()) ?? []), pin[2]!]);
  }
  return set;
}

export function webhookSecrets(env: {
  SHOPIFY_WEBHOOK_SECRET?: string;
  SHOPIFY_WEBHOOK_SECRETS?: string;
  WOOCOMMERCE_WEBHOOK_SECRET?: string;
  WOOCOMMERCE_WEBHOOK_SECRETS?: string;
  STANDARD_WEBHOOK_SECRET?: string;
}): WebhookSecrets {
  // A malformed list never gets here: parseEnv refused it naming the variable.
  const sites = env.WOOCOMMERCE_WEBHOOK_SECRETS
    ? parseSiteSecrets(env.WOOCOMMERCE_WEBHOOK_SECRETS)
    : new Map<string, string[]>();
  const single = env.WOOCOMMERCE_WEBHOOK_SECRET ? [env.WOOCOMMERCE_WEBHOOK_SECRET] : [];
  return {
    shopify: parseAppSecrets(env.SHOPIFY_WEBHOOK_SECRETS, env.SHOPIFY_WEBHOOK_SECRET),
    woocommerce: { any: single, byStore: typeof sites === 'string' ? new Map() : sites },
    // One string: the adapter splits its rotation keys itself.
    events: { any: env.STANDARD_WEBHOOK_SECRET ? [env.STANDARD_WEBHOOK_SECRET] : [], byStore: new Map() },
  };
}

export function enabled(set: SourceSecrets): boolean {
  return set.any.length > 0 || set.byStore.size > 0;
}

/** The store a delivery names before its body is trusted (its headers), lower-case; undefined when unknown. */
export function claimedStore(source: Source['name'], headers: Headers): string | undefined {
  if (source === 'shopify') return header(headers, 'x-shopify-shop-domain')?.trim().toLowerCase() || undefined;
  if (source !== 'woocommerce') return undefined;
  const site = header(headers, 'x-wc-webhook-source')?.trim();
  if (!site || !URL.canParse(site)) return undefined;
  return new URL(site).host.toLowerCase() || undefined;
}

/**
 * The secrets that may speak for `store`: its own when it has any, else the unpinned ones. A
 * delivery naming no store (WooCommerce's creation ping) may be signed by any of them: it
 * yields no events, and one without a store is refused once parsed.
 */
export function secretsFor(set: SourceSecrets, store: string | undefined): string[] {
  if (store === undefined) return [...set.any, ...[...set.byStore.values()].flat()];
  return set.byStore.get(store) ?? set.any;
}

/** Verifies against each secret in turn; the first refusal is the answer when none matches. */
export function verifyWithAny(source: Source, raw: Buffer, headers: Headers, secrets: string[], store?: string): void {
  if (secrets.length === 0) throw new WebhookRejection(401, `no webhook secret here speaks for store "${store ?? ''}"`);
  let refusal: unknown;
  for (const secret of secrets) {
    try {
      source.verify(raw, headers, secret);
      return;
    } catch (err) {
      refusal ??= err;
    }
  }
  throw refusal;
}
