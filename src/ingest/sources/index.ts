// The store-platform adapters, by the name of their route (/webhooks/:source). A new platform
// is one file in this folder and one line here.
import { shopify } from './shopify.js';
import type { Source } from './source.js';
import { standardWebhooks } from './standard-webhooks.js';
import { woocommerce } from './woocommerce.js';

export const sources: Record<Source['name'], Source> = {
  shopify,
  woocommerce,
  events: standardWebhooks,
};

export { header, WebhookRejection } from './source.js';
export type { Headers, ParsedDelivery, Source } from './source.js';
