// Where "Add all to cart" lands: a cart already holding the bundle with its code, as far as the
// store's platform allows, and after the code's expiry the product page without it. Pure.

/** The click token's product id for the cart button (`/c/:token`): no store product id starts with '@'. */
export const CART_LINK_ID = '@cart';

export type Platform = 'shopify' | 'woocommerce' | 'events' | null;

export interface CartItem {
  productId: string;
  /** The variant a Shopify cart permalink adds (the product's first available variant). */
  variantId?: string | null;
  /** The product page (already a safe link). */
  url?: string | null;
}

export interface CartLinks {
  /** Until the code expires. */
  withCode: string;
  /** After it: the first product's page, no code. */
  withoutCode: string;
}

/**
 * Shopify with every variant known: the cart permalink `https://{shop}/cart/{variant}:1,…?discount=CODE`.
 * WooCommerce: the first product's add-to-cart URL (core adds one product a link; the code is
 * shown beside the button). Otherwise the first product's page with the code.
 */
export function cartLinks(platform: Platform, storeUrl: string, items: readonly CartItem[], code: string): CartLinks {
  const origin = new URL(storeUrl).origin;
  const first = items[0];
  const productPage = first?.url ?? storeUrl;
  if (platform === 'shopify' && items.length > 0 && items.every((i) => i.variantId)) {
    const lines = items.map((i) => `${encodeURIComponent(i.variantId!)}:1`).join(',');
    return { withCode: `${origin}/cart/${lines}?discount=${encodeURIComponent(code)}`, withoutCode: productPage };
  }
  if (platform === 'woocommerce' && first) {
    return {
      withCode: withParams(storeUrl, { 'add-to-cart': first.productId, quantity: '1' }),
      withoutCode: productPage,
    };
  }
  if (platform === 'shopify') {
    // Shopify's discount link applies the code, then shows the product.
    const path = new URL(productPage, storeUrl).pathname;
    return {
      withCode: `${origin}/discount/${encodeURIComponent(code)}?redirect=${encodeURIComponent(path)}`,
      withoutCode: productPage,
    };
  }
  return { withCode: withParams(productPage, { discount: code }), withoutCode: productPage };
}

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** The link a click on the cart button follows at `now`. */
export function cartTarget(links: CartLinks, expiresAt: string | null | undefined, now: Date): string {
  return expiresAt && now.getTime() >= Date.parse(expiresAt) ? links.withoutCode : links.withCode;
}
