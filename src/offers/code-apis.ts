// The store APIs that make bundle codes, from the environment's per-store credentials.
import type { Env } from '../config/env.js';
import { parseShopifyTokens, parseWooKeys } from './credentials.js';
import type { CodeApi } from './codes/issuer.js';
import { ShopifyCodes } from './codes/shopify.js';
import { WooCodes } from './codes/woocommerce.js';

export function codeApisFromEnv(env: Pick<Env, 'SHOPIFY_ADMIN_TOKENS' | 'WOOCOMMERCE_API_KEYS'>): {
  shopify?: CodeApi;
  woocommerce?: CodeApi;
} {
  return {
    shopify: env.SHOPIFY_ADMIN_TOKENS
      ? new ShopifyCodes({ tokens: parseShopifyTokens(env.SHOPIFY_ADMIN_TOKENS) })
      : undefined,
    woocommerce: env.WOOCOMMERCE_API_KEYS ? new WooCodes({ keys: parseWooKeys(env.WOOCOMMERCE_API_KEYS) }) : undefined,
  };
}
