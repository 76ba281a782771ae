// Shopify webhooks: HMAC over the raw bytes, then topic → canonical events.
import type { CanonicalEvent } from '../../domain/canonical-event.js';
import { checkedEvents } from './events.js';
import { Fields } from './fields.js';
import { hmacSha256Base64, sameSignature } from './hmac.js';
import { parseJsonBody } from './json-body.js';
import { optionalHeader, requireHeader } from './request-headers.js';
import {
  shopifyConsentUpdate,
  shopifyCustomerRedact,
  shopifyCustomerUpdate,
  shopifyDataRequest,
} from './shopify-customers.js';
import {
  shopifyFulfillment,
  shopifyFulfillmentEvent,
  shopifyOrderEvents,
  shopifyRefundEvents,
} from './shopify-orders.js';
import { shopifyProductEvent } from './shopify-products.js';
import { header, type ParsedDelivery, type Source, WebhookRejection } from './source.js';

/** `undefined`: a handled topic whose payload has nothing for us (answered 200, ignored). */
type TopicMapper = (body: Fields, store: string, topic: string) => CanonicalEvent[] | undefined;

const orderTopic: TopicMapper = (body, store, topic) => shopifyOrderEvents(body, store, topic);

const topics = new Map<string, TopicMapper>([
  ['orders/create', orderTopic],
  ['orders/updated', orderTopic],
  ['orders/paid', orderTopic],
  ['orders/fulfilled', orderTopic],
  ['orders/partially_fulfilled', orderTopic],
  ['orders/cancelled', orderTopic],
  ['refunds/create', shopifyRefundEvents],
  ['fulfillment_events/create', shopifyFulfillmentEvent],
  ['fulfillments/create', shopifyFulfillment],
  ['fulfillments/update', shopifyFulfillment],
  ['products/create', shopifyProductEvent],
  ['products/update', shopifyProductEvent],
  ['customers/update', shopifyCustomerUpdate],
  ['customers_email_marketing_consent/update', shopifyConsentUpdate],
  ['customers/redact', shopifyCustomerRedact],
  ['shop/redact', (_body, store) => [{ type: 'store.erased', data: { store } }]],
  ['customers/data_request', shopifyDataRequest],
]);

export const shopify: Source = {
  name: 'shopify',

  verify(raw, headers, secret) {
    if (!secret) throw new Error('SHOPIFY_WEBHOOK_SECRET is empty: refusing to accept unsigned Shopify webhooks');
    const received = header(headers, 'x-shopify-hmac-sha256')?.trim();
    if (!received) throw new WebhookRejection(401, 'missing X-Shopify-Hmac-Sha256 header');
    if (!sameSignature(hmacSha256Base64(secret, raw), received)) {
      throw new WebhookRejection(401, 'X-Shopify-Hmac-Sha256 does not match the body signed with the shared secret');
    }
  },

  parse(raw, headers): ParsedDelivery {
    const store = requireHeader(headers, 'X-Shopify-Shop-Domain').toLowerCase();
    const topic = requireHeader(headers, 'X-Shopify-Topic');
    const deliveryId = requireHeader(headers, 'X-Shopify-Webhook-Id');
    // One merchant action = one event id; redeliveries of the same topic share it.
    const eventId = optionalHeader(headers, 'X-Shopify-Event-Id');
    const delivery = { deliveryId, topic, store, ...(eventId ? { eventKey: `${topic}:${eventId}` } : {}) };

    const mapper = topics.get(topic);
    if (!mapper) return { ...delivery, events: [], ignored: true };
    const events = mapper(Fields.root(parseJsonBody(raw)), store, topic);
    return events === undefined
      ? { ...delivery, events: [], ignored: true }
      : { ...delivery, events: checkedEvents(events) };
  },
};
