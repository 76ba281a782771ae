// Per-store API credentials for discount codes, from the environment (never the config file):
// SHOPIFY_ADMIN_TOKENS="shop-a.myshopify.com=shpat_… shop-b.myshopify.com=shpat_…"
// WOOCOMMERCE_API_KEYS="shop.example=ck_…:cs_… other.example=ck_…:cs_…"
// The store is the name Aftercart knows it by (the shop domain; WooCommerce's site host).

export interface WooKeys {
  key: string;
  secret: string;
}

/** `store=value` pairs separated by spaces (or commas); throws naming the bad entry. */
export function parseStoreMap(text: string | undefined, what: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = entry.indexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new Error(`expected "store=${what}" pairs separated by spaces`);
    map.set(entry.slice(0, at).toLowerCase(), entry.slice(at + 1));
  }
  return map;
}

export function parseShopifyTokens(text: string | undefined): Map<string, string> {
  return parseStoreMap(text, 'token');
}

export function parseWooKeys(text: string | undefined): Map<string, WooKeys> {
  const out = new Map<string, WooKeys>();
  for (const [store, value] of parseStoreMap(text, 'ck_…:cs_…')) {
    const [key, secret, extra] = value.split(':');
    if (!key || !secret || extra !== undefined)
      throw new Error('expected "store=consumer_key:consumer_secret" pairs separated by spaces');
    out.set(store, { key, secret });
  }
  return out;
}
