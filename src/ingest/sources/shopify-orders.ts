// Shopify order-shaped payloads → canonical events. Every full-order topic upserts the order
// (deliveries come in any order) and adds the milestones the payload already shows.
import type { CanonicalEvent, Customer, Order, OrderLine } from '../../domain/canonical-event.js';
import { compact } from './events.js';
import type { Fields } from './fields.js';
import { sumDecimals } from '../../money/decimal.js';

/** Money received: `partially_refunded` was paid first. `partially_paid` (a deposit, payment
 * terms) and `authorized` (not captured yet) are not a completed purchase. */
const paidStatuses = new Set(['paid', 'partially_refunded']);
/** Fulfillments that count toward delivery (cancelled/failed ones never arrive). */
const liveFulfillment = new Set(['success', 'open', 'pending']);

type Moment = 'order.paid' | 'order.fulfilled' | 'order.delivered' | 'order.cancelled' | 'order.refunded';

/** `topic` forces its own milestone (orders/paid → order.paid) whatever the payload says. */
export function shopifyOrderEvents(body: Fields, store: string, topic: string): CanonicalEvent[] {
  const order = shopifyOrder(body);
  const events: CanonicalEvent[] = [{ type: 'order.created', data: { store, order } }];
  const add = (type: Moment, at: string) => events.push({ type, data: { store, orderId: order.id, at } });
  const updatedAt = body.time('updated_at') ?? order.createdAt;
  const financialStatus = order.financialStatus ?? '';

  if (topic === 'orders/paid' || paidStatuses.has(financialStatus)) {
    add('order.paid', body.time('processed_at') ?? order.createdAt);
  }
  const fulfillments = body.objects('fulfillments').filter((f) => liveFulfillment.has(f.text('status') ?? 'success'));
  const fulfilled = topic === 'orders/fulfilled' || body.text('fulfillment_status') === 'fulfilled';
  if (fulfilled) add('order.fulfilled', latest(fulfillments.map((f) => f.time('created_at'))) ?? updatedAt);
  // Delivered once the order is fully fulfilled and every live shipment says so.
  if (fulfilled && fulfillments.length > 0 && fulfillments.every((f) => f.text('shipment_status') === 'delivered')) {
    add('order.delivered', latest(fulfillments.map((f) => f.time('updated_at'))) ?? updatedAt);
  }
  if (topic === 'orders/cancelled' || order.cancelledAt) add('order.cancelled', order.cancelledAt ?? updatedAt);
  // A full refund read from the order carries no lines (downstream: the whole order came back);
  // refunds/create carries each refund with its lines and amount, counted once per refund.
  if (financialStatus === 'refunded') {
    add('order.refunded', latest(body.objects('refunds').map((r) => r.time('created_at'))) ?? updatedAt);
  }
  return events;
}

export function shopifyOrder(body: Fields): Order {
  const customer = body.object('customer');
  const shipping = body.object('shipping_address');
  const billing = body.object('billing_address');
  body.requireList('line_items');
  return compact({
    id: body.requireId('id'),
    createdAt: body.requireTime('created_at'),
    currency: body.requireText('currency'),
    shippingCountry: shipping?.text('country_code'),
    shippingProvince: shipping?.text('province_code'),
    customer: compact<Customer>({
      id: customer?.id('id'),
      email: body.text('email') ?? customer?.text('email') ?? body.text('contact_email'),
      firstName: customer?.text('first_name') ?? billing?.text('first_name'),
      lastName: customer?.text('last_name') ?? billing?.text('last_name'),
      locale: body.text('customer_locale'),
      updatedAt: body.time('updated_at'),
      ...orderConsent(body, customer),
    }),
    lines: body.objects('line_items').flatMap(orderLine),
    financialStatus: body.text('financial_status'),
    cancelledAt: body.time('cancelled_at'),
    discountCodes: codesOf(body.objects('discount_codes')),
  });
}

/** Lines without a product (custom items, deleted products) cannot be cross-sold from: skipped. */
function orderLine(line: Fields): OrderLine[] {
  const productId = line.id('product_id');
  if (productId === undefined) return [];
  const quantity = line.requireCount('quantity');
  if (quantity === 0) return [];
  return [
    compact({
      productId,
      variantId: line.id('variant_id'),
      sku: line.text('sku'),
      title: line.text('title') ?? line.text('name') ?? line.requireText('title'),
      vendor: line.text('vendor'),
      quantity,
      unitPrice: line.requireDecimal('price'),
    }),
  ];
}

/** The customer's current email consent (`email_marketing_consent`, or the pre-2022 boolean). */
export function marketingConsent(customer: Fields | undefined): boolean | undefined {
  const state = customer?.object('email_marketing_consent')?.text('state');
  if (state !== undefined) return state === 'subscribed'; // pending (double opt-in) is not yet consent
  return customer?.bool('accepts_marketing');
}

/** When the consent marketingConsent reads last changed, if the payload says. */
export function consentChangedAt(customer: Fields | undefined): string | undefined {
  const consent = customer?.object('email_marketing_consent');
  if (consent?.text('state') !== undefined) return consent.time('consent_updated_at');
  return customer?.time('accepts_marketing_updated_at');
}

/** The customer's own consent, else the checkout box, which speaks for checkout time only: a
 * later update of the order (a newer updated_at) does not give consent again. */
function orderConsent(
  body: Fields,
  customer: Fields | undefined,
): Pick<Customer, 'marketingConsent' | 'consentUpdatedAt'> {
  const own = marketingConsent(customer);
  if (own !== undefined) return { marketingConsent: own, consentUpdatedAt: consentChangedAt(customer) };
  const box = body.bool('buyer_accepts_marketing');
  return { marketingConsent: box, consentUpdatedAt: box === undefined ? undefined : body.time('created_at') };
}

export function shopifyRefundEvents(refund: Fields, store: string): CanonicalEvent[] {
  const lines = refund.objects('refund_line_items').flatMap((item) => {
    const productId = item.object('line_item')?.id('product_id');
    if (productId === undefined) return [];
    const amount = item.decimal('subtotal') ?? item.object('subtotal_set')?.object('shop_money')?.decimal('amount');
    return [compact({ productId, quantity: item.requireCount('quantity'), amount })];
  });
  const refunded = refund
    .objects('transactions')
    .filter((t) => t.text('kind') === 'refund' && t.text('status') === 'success')
    .flatMap((t) => t.decimal('amount') ?? []);
  return [
    {
      type: 'order.refunded',
      data: compact({
        store,
        orderId: refund.requireId('order_id'),
        refundId: refund.id('id'), // a redelivery under a new webhook id counts once
        at: refund.time('processed_at') ?? refund.requireTime('created_at'),
        lines,
        amount: refunded.length > 0 ? sumDecimals(refunded) : undefined,
      }),
    },
  ];
}

/** fulfillment_events/create: only the `delivered` status matters. */
export function shopifyFulfillmentEvent(event: Fields, store: string): CanonicalEvent[] | undefined {
  if (event.text('status') !== 'delivered') return undefined;
  const at = event.time('happened_at') ?? event.requireTime('created_at');
  return [{ type: 'order.delivered', data: { store, orderId: event.requireId('order_id'), at } }];
}

/**
 * fulfillments/create|update: the order is fulfilled when a live fulfilment is created (as the
 * order payload's own `fulfillments` count it), delivered when the carrier's status says so.
 */
export function shopifyFulfillment(fulfillment: Fields, store: string): CanonicalEvent[] | undefined {
  const orderId = fulfillment.requireId('order_id');
  const events: CanonicalEvent[] = [];
  if (liveFulfillment.has(fulfillment.text('status') ?? 'success')) {
    events.push({ type: 'order.fulfilled', data: { store, orderId, at: fulfillment.requireTime('created_at') } });
  }
  if (fulfillment.text('shipment_status') === 'delivered') {
    events.push({
      type: 'order.delivered',
      data: { store, orderId, at: fulfillment.time('updated_at') ?? fulfillment.requireTime('created_at') },
    });
  }
  return events.length > 0 ? events : undefined;
}

/** The latest of some UTC ISO times (they sort as text). */
function latest(times: (string | undefined)[]): string | undefined {
  return times
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
}

/** `discount_codes[].code`, or undefined when none (a bundle code makes the order its email's conversion). */
function codesOf(entries: Fields[]): string[] | undefined {
  const codes = entries.flatMap((e) => (e.text('code') ? [e.text('code')!] : []));
  return codes.length > 0 ? codes.slice(0, 100) : undefined;
}
