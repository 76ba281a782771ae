// The one shape every store platform's webhook is mapped to (SPEC: "Canonical events").
// Money is a decimal string (src/money/decimal.ts: read leniently, kept in normal form) and ids
// are strings end to end; times are ISO 8601.
import { z } from 'zod';
import { capCodePoints, NAME_MAX, TITLE_MAX } from '../text/caps.js';
import { normaliseDecimal } from '../money/decimal.js';
import { normaliseEmail } from './email-address.js';

/** Text Postgres can hold: no NUL character. */
const text = () => z.string().refine((s) => !s.includes('\u0000'), 'text without NUL characters');
/** Text cut to `max` code points: a store's 900 KB title is stored (and mailed) as its start. */
const capped = (max: number) => text().transform((s) => capCodePoints(s, max));

/** What the columns hold: numeric(14,2), int4, timestamptz, text (no NUL). */
const money = text()
  .refine((s) => normaliseDecimal(s) !== undefined, 'a decimal string such as "12.50"')
  .transform((s) => normaliseDecimal(s) ?? s)
  .refine((s) => s.replace(/^-/, '').split('.')[0]!.length <= 12, 'an amount below 1,000,000,000,000');
const count = z.number().int().max(2_147_483_647);
const isoTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i,
    'an ISO 8601 time with a zone, such as "2026-11-20T10:00:00Z"',
  )
  .refine((s) => {
    const t = Date.parse(s);
    const year = Number.isNaN(t) ? 0 : new Date(t).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'an ISO 8601 time between years 1 and 9999');
const id = z.union([text().min(1), z.number().int()]).transform(String);
const store = text().min(1);

export const productSchema = z.object({
  id,
  title: capped(TITLE_MAX),
  productType: text().optional(),
  vendor: text().optional(),
  tags: z.array(text()).optional(),
  url: text().optional(),
  imageUrl: text().optional(),
  price: money.optional(),
  currency: text().optional(),
  available: z.boolean().optional(),
  /** Merchant-declared complements; `required` marks an accessory the product needs. */
  complements: z.array(z.object({ id, required: z.boolean().optional() })).optional(),
  /** Never cross-sold as a complement of this product (WooCommerce upsells). */
  upsells: z.array(id).optional(),
  /** The variant a bundle's cart link adds (Shopify: the first available one). */
  variantId: id.optional(),
});

export const customerSchema = z.object({
  id: id.optional(),
  email: text().optional(),
  firstName: capped(NAME_MAX).optional(),
  lastName: capped(NAME_MAX).optional(),
  locale: text().optional(),
  timezone: text().optional(),
  marketingConsent: z.boolean().optional(),
  /** When these facts were current (the payload's own time): only a newer payload changes them. */
  updatedAt: isoTime.optional(),
  /** When marketingConsent last changed, if known; else updatedAt dates it. */
  consentUpdatedAt: isoTime.optional(),
});

export const orderLineSchema = z.object({
  productId: id,
  variantId: id.optional(),
  sku: text().optional(),
  title: capped(TITLE_MAX),
  productType: text().optional(),
  vendor: text().optional(),
  tags: z.array(text()).optional(),
  quantity: count.positive(),
  unitPrice: money,
});

export const orderSchema = z.object({
  id,
  createdAt: isoTime,
  currency: text().min(1),
  shippingCountry: text().optional(),
  shippingProvince: text().optional(),
  customer: customerSchema.extend({ email: text().optional() }),
  lines: z.array(orderLineSchema),
  /** Set when the order payload itself already says so (Shopify/Woo send full orders). */
  financialStatus: text().optional(),
  cancelledAt: isoTime.optional(),
  /** Discount codes used on the order: one an email issued makes the order its conversion. */
  discountCodes: z.array(text().min(1).max(255)).max(100).optional(),
});

const orderMoment = z.object({ store, orderId: id, at: isoTime });
const refundLine = z.object({ productId: id, quantity: count.nonnegative(), amount: money.optional() });
const ticket = z.object({
  store,
  ticketId: id,
  at: isoTime,
  customer: z.object({ email: text().regex(/@/, 'an email address') }),
  orderId: id.optional(),
});

/** Whom a privacy request names: the address, the platform's customer id, orders (any of them). */
const privacyRequest = z.object({
  store,
  email: text().optional(),
  customerId: id.optional(),
  orderIds: z.array(id).optional(),
});
const namesSomeone = [
  (d: z.output<typeof privacyRequest>) =>
    d.email !== undefined || d.customerId !== undefined || (d.orderIds?.length ?? 0) > 0,
  'an email, a customerId or orderIds',
] as const;

export const canonicalEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('product.upserted'), data: z.object({ store, product: productSchema }) }),
  z.object({ type: z.literal('order.created'), data: z.object({ store, order: orderSchema }) }),
  z.object({ type: z.literal('order.paid'), data: orderMoment }),
  z.object({ type: z.literal('order.fulfilled'), data: orderMoment }),
  z.object({ type: z.literal('order.delivered'), data: orderMoment }),
  z.object({ type: z.literal('order.cancelled'), data: orderMoment }),
  z.object({
    type: z.literal('order.refunded'),
    // refundId: the platform's id of this refund; the same id for the same order counts once.
    data: orderMoment.extend({
      lines: z.array(refundLine).optional(),
      amount: money.optional(),
      refundId: id.optional(),
    }),
  }),
  z.object({ type: z.literal('ticket.opened'), data: ticket }),
  z.object({ type: z.literal('ticket.closed'), data: ticket }),
  z.object({ type: z.literal('customer.updated'), data: z.object({ store, customer: customerSchema }) }),
  // A suppression is keyed by the one address it stops: a list or a display name stops nobody.
  z.object({
    type: z.literal('customer.unsubscribed'),
    data: z.object({ store, email: text().refine((s) => normaliseEmail(s) !== null, 'a single plain email address') }),
  }),
  z.object({ type: z.literal('customer.erased'), data: privacyRequest.refine(...namesSomeone) }),
  // The customer asked the store for their data: written as a file for the store to hand over.
  z.object({
    type: z.literal('customer.data_requested'),
    data: privacyRequest.extend({ requestId: id.optional() }).refine(...namesSomeone),
  }),
  z.object({ type: z.literal('store.erased'), data: z.object({ store }) }),
]);

export type CanonicalEvent = z.output<typeof canonicalEventSchema>;
export type CanonicalEventType = CanonicalEvent['type'];
export type Product = z.output<typeof productSchema>;
export type Order = z.output<typeof orderSchema>;
export type OrderLine = z.output<typeof orderLineSchema>;
export type Customer = z.output<typeof customerSchema>;
export type EventOf<T extends CanonicalEventType> = Extract<CanonicalEvent, { type: T }>;

/** Order milestones a cross-sell can wait for (SPEC `timing.*.after`). */
export type Trigger = 'order' | 'paid' | 'fulfilled' | 'delivered';

/**
 * What an adapter hands to the recorder: the events, plus the identity of the delivery
 * (unique per source) so a repeated delivery is a no-op.
 */
export interface Delivery {
  source: 'shopify' | 'woocommerce' | 'events';
  /** Unique per source: a redelivery of the same webhook carries the same id. */
  deliveryId: string;
  topic: string;
  store: string;
  events: CanonicalEvent[];
}
