// Which product URLs may be click targets (the 302 of GET /c/:token). Store data is not
// trusted: a product URL is kept only when it is an http(s) link to the store's own host or to
// one of `store.linkHosts`; anything else (javascript:, data:, //evil, user@host, CR/LF) is
// dropped at ingest and refused again at click time, and the email links to store.url instead.
import { storeSchema } from '../config/schema.js';

/** The store's settings a link is judged by (config `store.url` and `store.linkHosts`). */
export interface LinkPolicy {
  storeUrl: string;
  linkHosts: readonly string[];
}

// C0 controls (CR, LF, tab, NUL...), DEL and C1 controls: never in a link we hand out.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The URL, normalised, when it may be a click target; undefined when not. A path ("/products/x")
 * is a page of the store: it is appended to store.url, as the Shopify importer builds links.
 */
export function safeLinkUrl(url: string, policy: LinkPolicy): string | undefined {
  if (CONTROL.test(url)) return undefined;
  const store = parse(policy.storeUrl);
  if (!store) return undefined;
  const text = url.trim();
  // "//host" and "/\host" are other hosts to a browser, not paths.
  const isPath = text.startsWith('/') && !/^\/[/\\]/.test(text);
  const u = parse(isPath ? policy.storeUrl.replace(/\/+$/, '') + text : text);
  if (!u || u.username || u.password) return undefined;
  const schemes = store.protocol === 'http:' ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(u.protocol)) return undefined;
  const host = u.hostname;
  return host === store.hostname || policy.linkHosts.some((h) => h.toLowerCase() === host) ? u.href : undefined;
}

/** The product with a safe `url`, or without one (`dropped`) when its URL may not be a click target. */
export function withSafeLink<T extends { url?: string }>(
  product: T,
  policy: LinkPolicy,
): { product: T; dropped: boolean } {
  if (product.url === undefined) return { product, dropped: false };
  const url = safeLinkUrl(product.url, policy);
  if (url !== undefined) return { product: { ...product, url }, dropped: false };
  const { url: _dropped, ...rest } = product;
  return { product: rest as T, dropped: true };
}

/** The policy of a config's store section. */
export function linkPolicy(store: { url: string; linkHosts: readonly string[] }): LinkPolicy {
  return { storeUrl: store.url, linkHosts: store.linkHosts };
}

/** Where no store settings are given (tests, imports without a config): the defaults'. */
export const defaultLinkPolicy: LinkPolicy = linkPolicy(storeSchema.parse({}));

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
