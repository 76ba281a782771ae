// The values of the ingest's wide statements: record-orders.sql's rows (their keys are its
// `input` columns; tests/ingest/order-row.test.ts keeps the two in step) and record-product.sql's
// named values (its header binds these names to positions: namedSql(), src/db/sql.ts).
import type { Customer, Product } from '../domain/canonical-event.js';
import type { IncomingDelivery, OrderWrite } from './record.js';
import type { TimingVerdict } from '../timing/order-timing.js';
import { customerKey } from '../domain/customer-key.js';
import { storedEmail } from '../domain/email-address.js';

type Maybe<T> = T | null;

/** One row of record-orders.sql's `rows`; its `input` column list says what each one is. */
export interface OrderRow {
  idx: number;
  source: string;
  delivery_id: string;
  store: string;
  topic: string;
  event_key: Maybe<string>;
  order_id: string;
  customer_key: Maybe<string>;
  customer_id: Maybe<string>;
  email: Maybe<string>;
  first_name: Maybe<string>;
  last_name: Maybe<string>;
  locale: Maybe<string>;
  timezone: Maybe<string>;
  marketing_consent: Maybe<boolean>;
  created_at: Maybe<string>;
  currency: Maybe<string>;
  shipping_country: Maybe<string>;
  shipping_province: Maybe<string>;
  total: Maybe<string>;
  paid_at: Maybe<string>;
  fulfilled_at: Maybe<string>;
  delivered_at: Maybe<string>;
  cancelled_at: Maybe<string>;
  lines: ReturnType<typeof orderLines>;
  status: Maybe<string>;
  reason: Maybe<string>;
  due_at: Maybe<Date>;
  timing: Maybe<TimingVerdict['timing']>;
  claimed: boolean;
  attribution_window_ms: number;
  facts_at: Maybe<string>;
  consent_at: Maybe<string>;
}

/**
 * One order write of a delivery, its row (numbered by the caller) and the payload kept with it.
 * `claimed`: an earlier statement of this transaction claimed the delivery, so this one is
 * recorded under `deliveryId#orderId` and keeps no payload.
 */
export function orderRow(
  delivery: IncomingDelivery,
  w: OrderWrite,
  opts: { claimed: boolean; verdict: TimingVerdict | null; total: string | null; attributionWindowMs: number },
): { row: Omit<OrderRow, 'idx'>; payload: Buffer | null } {
  const o = w.snapshot;
  const c = o?.customer;
  const { claimed, verdict } = opts;
  const [factsAt, consentAt] = factTimes(c);
  const row: Omit<OrderRow, 'idx'> = {
    source: delivery.source,
    delivery_id: claimed ? `${delivery.deliveryId}#${w.orderId}` : delivery.deliveryId,
    store: delivery.store,
    topic: delivery.topic,
    event_key: delivery.eventKey ?? null,
    order_id: w.orderId,
    customer_key: c ? customerKey(c) : null,
    customer_id: c?.id ?? null,
    email: storedEmail(c?.email),
    first_name: c?.firstName ?? null,
    last_name: c?.lastName ?? null,
    locale: c?.locale ?? null,
    timezone: c?.timezone ?? null,
    marketing_consent: c?.marketingConsent ?? null,
    created_at: o?.createdAt ?? null,
    currency: o?.currency ?? null,
    shipping_country: o?.shippingCountry ?? null,
    shipping_province: o?.shippingProvince ?? null,
    total: opts.total,
    paid_at: w.paid ?? null,
    fulfilled_at: w.fulfilled ?? null,
    delivered_at: w.delivered ?? null,
    cancelled_at: w.cancelled ?? null,
    lines: orderLines(o),
    status: verdict?.status ?? null,
    reason: verdict?.reason ?? null,
    due_at: verdict?.dueAt ?? null,
    timing: verdict?.timing ?? null,
    claimed,
    attribution_window_ms: opts.attributionWindowMs,
    facts_at: factsAt,
    consent_at: consentAt,
  };
  return { row, payload: claimed ? null : delivery.raw };
}

/** The order's lines as record-orders.sql reads them (`lines`, a JSON array), numbered from 1. */
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
