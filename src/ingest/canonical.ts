// The one shape every store platform's webhook is mapped to (SPEC: "Canonical events").
// Money is a decimal string and ids are strings end to end; times are ISO 8601.
import { z } from 'zod';

const money = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as "12.50"');
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');
const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const store = z.string().min(1);

export const productSchema = z.object({
  id,
  title: z.string(),
  productType: z.string().optional(),
  vendor: z.string().optional(),
  tags: z.array(z.string()).optional(),
  url: z.string().optional(),
  imageUrl: z.string().optional(),
  price: money.optional(),
  currency: z.string().optional(),
  available: z.boolean().optional(),
  /** Merchant-declared complements; `required` marks an accessory the product needs. */
  complements: z.array(z.object({ id, required: z.boolean().optional() })).optional(),
  /** Never cross-sold as a complement of this product (WooCommerce upsells). */
  upsells: z.array(id).optional(),
});

export const customerSchema = z.object({
  id: id.optional(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  locale: z.string().optional(),
  timezone: z.string().optional(),
  marketingConsent: z.boolean().optional(),
});

export const orderLineSchema = z.object({
  productId: id,
  variantId: id.optional(),
  sku: z.string().optional(),
  title: z.string(),
  productType: z.string().optional(),
  vendor: z.string().optional(),
  tags: z.array(z.string()).optional(),
  quantity: z.number().int().positive(),
  unitPrice: money,
});

export const orderSchema = z.object({
  id,
  createdAt: isoTime,
  currency: z.string().min(1),
  shippingCountry: z.string().optional(),
  shippingProvince: z.string().optional(),
  customer: customerSchema.extend({ email: z.string().optional() }),
  lines: z.array(orderLineSchema),
  /** Set when the order payload itself already says so (Shopify/Woo send full orders). */
  financialStatus: z.string().optional(),
  cancelledAt: isoTime.optional(),
});

const orderMoment = z.object({ store, orderId: id, at: isoTime });
const refundLine = z.object({ productId: id, quantity: z.number().int().nonnegative(), amount: money.optional() });
const ticket = z.object({
  store,
  ticketId: id,
  at: isoTime,
  customer: z.object({ email: z.string() }),
  orderId: id.optional(),
});

export const canonicalEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('product.upserted'), data: z.object({ store, product: productSchema }) }),
  z.object({ type: z.literal('order.created'), data: z.object({ store, order: orderSchema }) }),
  z.object({ type: z.literal('order.paid'), data: orderMoment }),
  z.object({ type: z.literal('order.fulfilled'), data: orderMoment }),
  z.object({ type: z.literal('order.delivered'), data: orderMoment }),
  z.object({ type: z.literal('order.cancelled'), data: orderMoment }),
  z.object({
    type: z.literal('order.refunded'),
    data: orderMoment.extend({ lines: z.array(refundLine).optional(), amount: money.optional() }),
  }),
  z.object({ type: z.literal('ticket.opened'), data: ticket }),
  z.object({ type: z.literal('ticket.closed'), data: ticket }),
  z.object({ type: z.literal('customer.updated'), data: z.object({ store, customer: customerSchema }) }),
  z.object({ type: z.literal('customer.unsubscribed'), data: z.object({ store, email: z.string() }) }),
  z.object({ type: z.literal('customer.erased'), data: z.object({ store, email: z.string() }) }),
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
