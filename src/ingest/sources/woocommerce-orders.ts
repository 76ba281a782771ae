// WooCommerce order payloads (REST v3 order resource) → canonical events. The order status is
// the state: every order topic upserts the order and adds the milestones its status implies.
import type { CanonicalEvent, Order, OrderLine } from '../../domain/canonical-event.js';
import { compact } from './events.js';
import type { Fields } from './fields.js';
import { decodeEntities } from './html-entities.js';

type Moment = 'order.paid' | 'order.fulfilled' | 'order.cancelled';
type ReturnedLine = { productId: string; quantity: number };

/** Statuses meaning the money was taken (a partial refund keeps processing/completed). */
const paidStatuses = new Set(['processing', 'completed']);

export function wooOrderEvents(body: Fields, store: string): CanonicalEvent[] {
  const status = body.text('status');
  // `date_*_gmt` carry no zone: they are UTC. The zone-less site-time fields are a last resort.
  const modifiedAt = body.time('date_modified_gmt', 'utc') ?? body.time('date_modified', 'utc');
  const { order, returnedLines } = wooOrder(body, status, modifiedAt);
  const at = modifiedAt ?? order.createdAt;
  const events: CanonicalEvent[] = [{ type: 'order.created', data: { store, order } }];
  const add = (type: Moment, when: string) => events.push({ type, data: { store, orderId: order.id, at: when } });

  if (status !== undefined && paidStatuses.has(status)) add('order.paid', body.time('date_paid_gmt', 'utc') ?? at);
  if (status === 'completed') add('order.fulfilled', body.time('date_completed_gmt', 'utc') ?? at);
  if (status === 'cancelled') add('order.cancelled', at);

  // No refund topic exists: a refund arrives as order.updated, the order's `refunds` list says
  // `{ id, reason, total }` with no lines and no dates. Every later update repeats the list:
  // each refund's amount is sent with its id, which the recorder counts once. A fully refunded
  // order also returns every line, quantities only (they saturate).
  for (const refund of body.objects('refunds')) events.push(...wooRefund(refund, store, order.id, at));
  if (status === 'refunded')
    events.push({ type: 'order.refunded', data: { store, orderId: order.id, at, lines: returnedLines } });
  return events;
}

/**
 * One entry of the order's `refunds` list; `total` is negative (`"-10.00"`). An amount only:
 * `lines: []` (absent lines would mean the whole order). Without an id or amount: nothing.
 */
function wooRefund(refund: Fields, store: string, orderId: string, at: string): CanonicalEvent[] {
  const refundId = refund.id('id');
  const total = refund.decimal('total');
  if (refundId === undefined || total === undefined) return [];
  return [
    { type: 'order.refunded', data: { store, orderId, at, refundId, lines: [], amount: total.replace(/^-/, '') } },
  ];
}

function wooOrder(body: Fields, status: string | undefined, modifiedAt: string | undefined) {
  const billing = body.object('billing');
  const shipping = body.object('shipping');
  const customerId = body.int('customer_id');
  body.requireList('line_items');
  const lines = body.objects('line_items').flatMap(orderLine);
  const order: Order = compact({
    id: body.requireId('id'),
    createdAt: body.time('date_created_gmt', 'utc') ?? body.requireTime('date_created', 'utc'),
    currency: body.requireText('currency'),
    shippingCountry: shipping?.text('country'),
    shippingProvince: shipping?.text('state'),
    customer: compact({
      id: customerId !== undefined && customerId > 0 ? String(customerId) : undefined, // 0: a guest
      email: billing?.text('email'),
      firstName: billing?.text('first_name'),
      lastName: billing?.text('last_name'),
      updatedAt: modifiedAt,
    }),
    lines: lines.map((l) => l.line),
    financialStatus: status, // WooCommerce's order status, verbatim
    cancelledAt: status === 'cancelled' ? modifiedAt : undefined,
    // coupon_lines[].code: a bundle code makes the order its email's conversion.
    discountCodes: ((codes) => (codes.length > 0 ? codes.slice(0, 100) : undefined))(
      body.objects('coupon_lines').flatMap((c) => (c.text('code') ? [c.text('code')!] : [])),
    ),
  });
  return { order, returnedLines: lines.map((l) => l.returned) };
}

/** Lines without a product (product_id 0: a deleted product or a custom item) are skipped. */
function orderLine(line: Fields): { line: OrderLine; returned: ReturnedLine }[] {
  const productId = line.id('product_id');
  if (productId === undefined || productId === '0') return [];
  const quantity = line.requireCount('quantity');
  if (quantity === 0) return [];
  const variationId = line.id('variation_id');
  const canonical: OrderLine = compact({
    productId,
    variantId: variationId === '0' ? undefined : variationId,
    sku: line.text('sku'),
    title: decodeEntities(line.requireText('name')),
    quantity,
    // A JSON number (`3`, `12`) in practice: total ÷ quantity after discounts, before tax.
    unitPrice: line.requireDecimal('price'),
  });
  return [{ line: canonical, returned: { productId, quantity } }];
}
