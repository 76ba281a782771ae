// WooCommerce webhooks: HMAC over the raw bytes, then topic → canonical events.
//
// The creation ping. WooCommerce posts `webhook_id=N` (form-encoded) when a webhook is saved and
// only activates it on a 200. WC_Webhook::deliver_ping() sends it with no X-WC-Webhook-* headers
// at all, so it is never signed. We accept a body that is exactly `webhook_id=<digits>` without a
// signature: it yields no events, so forging one gains nothing. If a signature is present it must
// verify, ping or not.
//
// Delivery identity. X-WC-Webhook-Delivery-ID is wp_hash(webhook id . current second): two
// different deliveries of one webhook in the same second share it (an order saved twice), and
// WooCommerce never retries with the same id. Deduping on it could drop a real update, so the
// delivery id is `${X-WC-Webhook-ID}:${sha256(body)}`: the same webhook sending the same bytes
// again is the only thing collapsed, which is harmless since events are derived from the state.
import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../../domain/canonical-event.js';
import { checkedEvents } from './events.js';
import { Fields } from './fields.js';
import { hmacSha256Base64, sameSignature } from './hmac.js';
import { parseJsonBody } from './json-body.js';
import { requireHeader } from './request-headers.js';
import { header, type Headers, type ParsedDelivery, type Source, WebhookRejection } from './source.js';
import { wooCustomerEvent, wooProductEvent } from './woocommerce-catalog.js';
import { wooOrderEvents } from './woocommerce-orders.js';

type TopicMapper = (body: Fields, store: string, now: Date) => CanonicalEvent[] | undefined;

const topics = new Map<string, TopicMapper>([
  ['order.created', wooOrderEvents],
  ['order.updated', wooOrderEvents],
  ['order.restored', wooOrderEvents],
  // Trashed: the payload is only `{ id }` and carries no time, so the moment is when we heard.
  [
    'order.deleted',
    (body, store, now) => [
      { type: 'order.cancelled', data: { store, orderId: body.requireId('id'), at: now.toISOString() } },
    ],
  ],
  ['product.created', wooProductEvent],
  ['product.updated', wooProductEvent],
  ['product.restored', wooProductEvent],
  ['customer.created', wooCustomerEvent],
  ['customer.updated', wooCustomerEvent],
]);

const pingBody = /^webhook_id=(\d{1,20})$/;

export const woocommerce: Source = {
  name: 'woocommerce',

  verify(raw, headers, secret) {
    if (!secret)
      throw new Error('WOOCOMMERCE_WEBHOOK_SECRET is empty: refusing to accept unsigned WooCommerce webhooks');
    const received = header(headers, 'x-wc-webhook-signature')?.trim();
    if (!received) {
      if (pingId(raw) !== undefined) return; // the unsigned creation ping (see above)
      throw new WebhookRejection(401, 'missing X-WC-Webhook-Signature header');
    }
    if (!sameSignature(hmacSha256Base64(secret, raw), received)) {
      throw new WebhookRejection(401, 'X-WC-Webhook-Signature does not match the body signed with the webhook secret');
    }
  },

  parse: (raw, headers) => parseWooCommerce(raw, headers, new Date()),
};

/** `now` dates only the order.deleted cancellation; tests pass it. */
export function parseWooCommerce(raw: Buffer, headers: Headers, now: Date): ParsedDelivery {
  const ping = pingId(raw);
  if (ping !== undefined) {
    // The ping carries no X-WC-Webhook-Source, so its store is unknown ('').
    const source = header(headers, 'x-wc-webhook-source');
    return { deliveryId: `ping:${ping}`, topic: 'ping', store: source ? storeOf(source) : '', events: [] };
  }
  const store = storeOf(requireHeader(headers, 'X-WC-Webhook-Source'));
  const topic = requireHeader(headers, 'X-WC-Webhook-Topic');
  const webhookId = requireHeader(headers, 'X-WC-Webhook-ID');
  const deliveryId = `${webhookId}:${createHash('sha256').update(store).update('\n').update(raw).digest('hex')}`;

  const mapper = topics.get(topic);
  if (!mapper) return { deliveryId, topic, store, events: [], ignored: true };
  const events = mapper(Fields.root(parseJsonBody(raw)), store, now);
  if (events === undefined) return { deliveryId, topic, store, events: [], ignored: true };
  return { deliveryId, topic, store, events: checkedEvents(events) };
}

function pingId(raw: Buffer): string | undefined {
  if (raw.length > 40) return undefined;
  return pingBody.exec(raw.toString('latin1').trim())?.[1];
}

/** The store is the host of the site URL (`https://shop.example/` → `shop.example`). */
function storeOf(source: string): string {
  let url: URL;
  try {
    url = new URL(source.trim());
  } catch {
    throw new WebhookRejection(400, 'X-WC-Webhook-Source: expected the site URL, such as https://shop.example/');
  }
  if (!url.host)
    throw new WebhookRejection(400, 'X-WC-Webhook-Source: expected the site URL, such as https://shop.example/');
  return url.host.toLowerCase();
}
