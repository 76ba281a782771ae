// The named values of the ingest's wide statements, record-order.sql (34) and record-product.sql
// (18): each file's header binds these names to positions (namedSql(), src/db/sql.ts).
import type { Customer, Product } from '../domain/canonical-event.js';
import type { IncomingDelivery, OrderWrite } from './record.js';
import type { TimingVerdict } from '../timing/order-timing.js';
import { customerKey } from '../domain/customer-key.js';
import { storedEmail } from '../domain/email-address.js';

type Maybe<T> = T | null;

/** record-order.sql's parameters; its header says what each one is. */
export interface RecordOrderParams {
  source: string;
  deliveryId: string;
  store: string;
  topic: string;
  eventKey: Maybe<string>;
  payload: Maybe<Buffer>;
  orderId: string;
  customerKey: Maybe<string>;
  customerId: Maybe<string>;
  email: Maybe<string>;
  firstName: Maybe<string>;
  lastName: Maybe<string>;
  locale: Maybe<string>;
  timezone: Maybe<string>;
  marketingConsent: Maybe<boolean>;
  createdAt: Maybe<string>;
  currency: Maybe<string>;
  shippingCountry: Maybe<string>;
  shippingProvince: Maybe<string>;
  total: Maybe<string>;
  paidAt: Maybe<string>;
  fulfilledAt: Maybe<string>;
  deliveredAt: Maybe<string>;
  cancelledAt: Maybe<string>;
  lines: string;
  fromHistory: boolean;
  status: Maybe<string>;
  reason: Maybe<string>;
  dueAt: Maybe<Date>;
  timing: Maybe<string>;
  claimed: boolean;
  attributionWindowMs: number;
  factsAt: Maybe<string>;
  consentAt: Maybe<string>;
}

/**
 * One order write of a delivery. `claimed`: an earlier statement of this transaction claimed the
 * delivery, so this one is recorded under `deliveryId#orderId` and keeps no payload.
 */
export function recordOrderParams(
  delivery: IncomingDelivery,
  w: OrderWrite,
  opts: { claimed: boolean; verdict: TimingVerdict | null; total: string | null; attributionWindowMs: number },
): RecordOrderParams {
  const o = w.snapshot;
  const c = o?.customer;
  const { claimed, verdict } = opts;
  const [factsAt, consentAt] = factTimes(c);
  return {
    source: delivery.source,
    deliveryId: claimed ? `${delivery.deliveryId}#${w.orderId}` : delivery.deliveryId,
    store: delivery.store,
    topic: delivery.topic,
    eventKey: delivery.eventKey ?? null,
    payload: claimed ? null : delivery.raw,
    orderId: w.orderId,
    customerKey: c ? customerKey(c) : null,
    customerId: c?.id ?? null,
    email: storedEmail(c?.email),
    firstName: c?.firstName ?? null,
    lastName: c?.lastName ?? null,
    locale: c?.locale ?? null,
    timezone: c?.timezone ?? null,
    marketingConsent: c?.marketingConsent ?? null,
    createdAt: o?.createdAt ?? null,
    currency: o?.currency ?? null,
    shippingCountry: o?.shippingCountry ?? null,
    shippingProvince: o?.shippingProvince ?? null,
    total: opts.total,
    paidAt: w.paid ?? null,
    fulfilledAt: w.fulfilled ?? null,
    deliveredAt: w.delivered ?? null,
    cancelledAt: w.cancelled ?? null,
    lines: JSON.stringify(orderLines(o)),
    fromHistory: false,
    status: verdict?.status ?? null,
    reason: verdict?.reason ?? null,
    dueAt: verdict?.dueAt ?? null,
    timing: verdict ? JSON.stringify(verdict.timing) : null,
    claimed,
    attributionWindowMs: opts.attributionWindowMs,
    factsAt,
    consentAt,
  };
}

/** The order's lines as record-order.sql reads them (`lines`, a JSON array), numbered from 1. */
function orderLines(o: OrderWrite['snapshot']) {
  return (o?.lines ?? []).map((l, i) => ({
    line_no: i + 1,
    product_id: l.productId,
    variant_id: l.variantId ?? null,
    sku: l.sku ?? null,
    title: l.title,
    product_type: l.productType ?? null,
    vendor: l.vendor ?? null,
    tags: l.tags ?? null,
    quantity: l.quantity,
    unit_price: l.unitPrice,
  }));
}

/** record-product.sql's parameters; its header says what each one is. */
export interface RecordProductParams {
  source: string;
  deliveryId: string;
  store: string;
  topic: string;
  eventKey: Maybe<string>;
  payload: Maybe<Buffer>;
  productId: string;
  title: string;
  productType: Maybe<string>;
  vendor: Maybe<string>;
  tags: Maybe<string[]>;
  url: Maybe<string>;
  imageUrl: Maybe<string>;
  price: Maybe<string>;
  currency: Maybe<string>;
  available: Maybe<boolean>;
  complements: Maybe<string>;
  upsells: Maybe<string[]>;
  variantId: Maybe<string>;
}

export function recordProductParams(
  d: Pick<IncomingDelivery, 'source' | 'deliveryId' | 'store' | 'topic' | 'eventKey' | 'raw'>,
  p: Product,
): RecordProductParams {
  return {
    source: d.source,
    deliveryId: d.deliveryId,
    store: d.store,
    topic: d.topic,
    eventKey: d.eventKey ?? null,
    payload: d.raw,
    productId: p.id,
    title: p.title,
    productType: p.productType ?? null,
    vendor: p.vendor ?? null,
    tags: p.tags ?? null,
    url: p.url ?? null,
    imageUrl: p.imageUrl ?? null,
    price: p.price ?? null,
    currency: p.currency ?? null,
    available: p.available ?? null,
    complements: p.complements
      ? JSON.stringify(p.complements.map((c) => ({ id: c.id, required: c.required ?? false })))
      : null,
    upsells: p.upsells ?? null,
    variantId: p.variantId ?? null,
  };
}

/** When a payload's customer facts and its consent were current (null: undated); consent is dated
 * only when the payload states it, so a payload silent on consent never outdates it. */
export function factTimes(c: Customer | undefined): [string | null, string | null] {
  const consentAt = c?.marketingConsent === undefined ? null : (c.consentUpdatedAt ?? c.updatedAt ?? null);
  return [c?.updatedAt ?? null, consentAt];
}
