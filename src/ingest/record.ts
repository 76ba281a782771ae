// Records verified deliveries in Postgres and returns what the queue must do after the commit.
// The common case, one order event, is one row of a multi-row statement (record-orders.sql)
// that group commit shares among the webhooks arriving together; a delivery carrying several
// kinds of writes runs them in one transaction of its own.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { CanonicalEvent, Customer, Order, Product } from '../domain/canonical-event.js';
import type { ParsedDelivery } from './sources/source.js';
import { customerKey } from '../domain/customer-key.js';
import { normaliseEmail, storedEmail } from '../domain/email-address.js';
import { namedSql, sql } from '../db/sql.js';
import { attributeCodes } from '../offers/attribution.js';
import { withTransaction } from '../db/transaction.js';
import { isUniqueViolation } from '../db/errors.js';
import { StoreOwners } from './store-owners.js';
import {
  decideOrderTiming,
  timedLines,
  timingReadsCatalog,
  withCatalogFacts,
  type CatalogFacts,
  type OrderFacts,
  type StoredTimedLine,
  type TimingVerdict,
} from '../timing/order-timing.js';
import type { TimedLine } from '../timing/index.js';
import type { TimingConfig } from '../config/schema.js';
import { sumMoney } from '../money/cents.js';
import { defaultLinkPolicy, withSafeLink, type LinkPolicy } from '../links/safe-url.js';
import { identify, idPatterns, type PrivacyRequest } from '../privacy/identity.js';
import { eraseCustomerFiles, eraseStoreFiles, type PrivacyFiles } from '../privacy/files.js';
import { writeDataRequest } from '../privacy/data-request.js';
import { suppress } from '../privacy/suppressions.js';
import { factTimes, orderRow, recordProductParams, type OrderRow, type RecordProductParams } from './record-params.js';

const queries = {
  recordOrders: sql(import.meta.url, 'record-orders'),
  catalogFacts: sql(import.meta.url, 'catalog-facts'),
  decideCrossSell: sql(import.meta.url, 'decide-cross-sell'),
  recordProduct: namedSql<RecordProductParams>(import.meta.url, 'record-product'),
  claimDelivery: sql(import.meta.url, 'claim-delivery'),
  updateCustomer: sql(import.meta.url, 'update-customer'),
  recordTicket: sql(import.meta.url, 'record-ticket'),
  recordRefund: sql(import.meta.url, 'record-refund'),
  eraseCustomer: sql(import.meta.url, 'erase-customer'),
  erasePayloads: sql(import.meta.url, 'erase-payloads'),
  eraseStore: sql(import.meta.url, 'erase-store'),
};

export interface RecordOutcome {
  duplicate: boolean;
  /** Cross-sells to put on the queue (or re-time) once committed. */
  schedule: { crossSellId: string; dueAt: Date; fresh: boolean }[];
  /** Cross-sells whose job is no longer wanted (cancelled, refunded, erased). */
  unschedule: string[];
  /** Set when the delivery named a store another source owns: nothing was recorded (403). */
  foreignStore?: { store: string; owner: string };
}

export interface IncomingDelivery extends ParsedDelivery {
  source: 'shopify' | 'woocommerce' | 'events';
  /** Kept for the configured retention; null to keep nothing. */
  raw: Buffer | null;
}

/** Everything one delivery says about one order, folded from its events. */
export interface OrderWrite {
  kind: 'order';
  orderId: string;
  snapshot?: Order;
  paid?: string;
  fulfilled?: string;
  delivered?: string;
  cancelled?: string;
}
type Write =
  | OrderWrite
  | { kind: 'refund'; event: Extract<CanonicalEvent, { type: 'order.refunded' }>['data'] }
  | { kind: 'product'; product: Product }
  | { kind: 'other'; event: CanonicalEvent };

type Queryable = Pick<pg.PoolClient, 'query'>;

/** One order write, decided and ready to be a row of record-orders.sql. */
export interface PreparedOrder {
  delivery: IncomingDelivery;
  write: OrderWrite;
  row: Omit<OrderRow, 'idx'>;
  payload: Buffer | null;
  /** What the payload itself says of the order (null: an event without the order's payload). */
  fromPayload: OrderFacts | null;
  now: Date;
}

/**
 * What group commit does with one delivery: nothing to write, an order row for the batch's
 * statement, or a write to run in its transaction.
 */
export type BatchStep =
  { done: RecordOutcome } | { order: PreparedOrder } | { write: (db: Queryable) => Promise<RecordOutcome> };

export interface RecorderDeps {
  pool: pg.Pool;
  /** The timing settings of a store's orders. */
  timing: (store: string) => TimingConfig;
  /** The store's link settings: a product URL outside them is dropped (src/links/safe-url.ts);
   * the default config's when not given. */
  links?: (store: string) => LinkPolicy;
  /** Warns of dropped product links (by product id, never the URL); says where a data request's answer is. */
  log?: Pick<Logger, 'warn' | 'info'>;
  /** Data-request answers are written here, and an erasure deletes the customer's files. */
  privacy?: PrivacyFiles;
  /** The store's mail.attributionWindow in ms. */
  attributionWindow?: (store: string) => number;
  /** Learned delays per product type for a store (cached by the caller). */
  learned?: (store: string) => Promise<Record<string, { medianMs: number; samples: number }> | undefined>;
  now?: () => Date;
  /** Named prepared statements (not on the embedded database, whose session is shared). */
  prepared?: boolean;
}

export function foldWrites(events: CanonicalEvent[]): Write[] {
  const writes: Write[] = [];
  const orders = new Map<string, OrderWrite>();
  const orderWrite = (orderId: string): OrderWrite => {
    let w = orders.get(orderId);
    if (!w) {
      w = { kind: 'order', orderId };
      orders.set(orderId, w);
      writes.push(w);
    }
    return w;
  };
  for (const event of events) {
    switch (event.type) {
      case 'order.created':
        orderWrite(event.data.order.id).snapshot = event.data.order;
        break;
      case 'order.paid':
        orderWrite(event.data.orderId).paid = event.data.at;
        break;
      case 'order.fulfilled':
        orderWrite(event.data.orderId).fulfilled = event.data.at;
        break;
      case 'order.delivered':
        orderWrite(event.data.orderId).delivered = event.data.at;
        break;
      case 'order.cancelled':
        orderWrite(event.data.orderId).cancelled = event.data.at;
        break;
      case 'order.refunded':
        writes.push({ kind: 'refund', event: event.data });
        break;
      case 'product.upserted':
        writes.push({ kind: 'product', product: event.data.product });
        break;
      default:
        writes.push({ kind: 'other', event });
    }
  }
  return writes;
}

export class Recorder {
  private readonly owners: StoreOwners;

  constructor(private readonly deps: RecorderDeps) {
    this.owners = new StoreOwners(deps.pool);
  }

  /** The delivery's events, each product URL that may not be a click target dropped. */
  private withSafeLinks(delivery: IncomingDelivery): CanonicalEvent[] {
    return delivery.events.map((event) => {
      if (event.type !== 'product.upserted') return event;
      const policy = this.deps.links?.(event.data.store) ?? defaultLinkPolicy;
      const { product, dropped } = withSafeLink(event.data.product, policy);
      if (dropped) {
        this.deps.log?.warn(
          { store: event.data.store, productId: product.id, source: delivery.source },
          'product link dropped: not an http(s) link to the store host or store.linkHosts',
        );
      }
      return { ...event, data: { ...event.data, product } };
    });
  }

  /** The hot statements run prepared: planning them cost as much as running them. */
  private run(db: Queryable, name: string, text: string, values: unknown[]) {
    return db.query(this.deps.prepared ? { name, text, values } : { text, values });
  }

  /**
   * The delivery's write as one step of a caller's transaction (group commit: src/ingest/group-commit.ts),
   * `done` when nothing is to be written (another source's store), or undefined when it needs a
   * transaction of its own (several writes, privacy requests): record() it then.
   */
  async batchStep(delivery: IncomingDelivery): Promise<BatchStep | undefined> {
    const foreignStore = await this.owners.foreign(delivery.source, delivery.events);
    if (foreignStore) return { done: { duplicate: false, schedule: [], unschedule: [], foreignStore } };
    const writes = foldWrites(this.withSafeLinks(delivery));
    const only = writes.length === 1 ? writes[0] : undefined;
    if (only?.kind === 'order') return { order: await this.prepareOrder(this.deps.pool, delivery, only, false) };
    if (only?.kind === 'product') {
      const { name, text, values } = queries.recordProduct;
      const params = values(recordProductParams(delivery, only.product));
      return {
        write: async (db) => {
          const res = await this.run(db, name, text, params);
          return { duplicate: res.rowCount === 0, schedule: [], unschedule: [] };
        },
      };
    }
    return undefined;
  }

  async record(delivery: IncomingDelivery): Promise<RecordOutcome> {
    const outcome: RecordOutcome = { duplicate: false, schedule: [], unschedule: [] };
    const foreignStore = await this.owners.foreign(delivery.source, delivery.events);
    if (foreignStore) return { ...outcome, foreignStore };
    const writes = foldWrites(this.withSafeLinks(delivery));
    const only = writes.length === 1 ? writes[0] : undefined;
    if (only?.kind === 'order') {
      // One transaction: a delivery whose re-decision fails is not left recorded as seen, so the
      // platform's retry is processed again rather than answered `duplicate`.
      const prepared = await this.prepareOrder(this.deps.pool, delivery, only, false);
      return withTransaction(this.deps.pool, async (client) => (await this.writeOrders(client, [prepared]))[0]!);
    }
    if (only?.kind === 'product') {
      const { name, text, values } = queries.recordProduct;
      const res = await this.run(this.deps.pool, name, text, values(recordProductParams(delivery, only.product)));
      outcome.duplicate = res.rowCount === 0;
      return outcome;
    }
    // A privacy request names the customer's address: its own payload is never kept.
    const raw = delivery.events.some((e) => e.type === 'customer.erased' || e.type === 'customer.data_requested')
      ? null
      : delivery.raw;
    try {
      return await withTransaction(this.deps.pool, async (client) => {
        const claimed = await client.query(queries.claimDelivery, [
          delivery.source,
          delivery.deliveryId,
          delivery.store,
          delivery.topic,
          delivery.eventKey ?? null,
          raw,
          deliveryCustomerKey(delivery.events),
        ]);
        if (claimed.rowCount === 0) return { duplicate: true, schedule: [], unschedule: [] };
        for (const write of writes) await this.apply(client, delivery, write, outcome);
        return outcome;
      });
    } catch (err) {
      // A concurrent twin claimed the same delivery first: that is a duplicate, not an error.
      if (isUniqueViolation(err)) return { duplicate: true, schedule: [], unschedule: [] };
      throw err;
    }
  }

  private async apply(db: Queryable, delivery: IncomingDelivery, write: Write, outcome: RecordOutcome): Promise<void> {
    switch (write.kind) {
      case 'order': {
        const [written] = await this.writeOrders(db, [await this.prepareOrder(db, delivery, write, true)]);
        outcome.schedule.push(...written!.schedule);
        outcome.unschedule.push(...written!.unschedule);
        return;
      }
      case 'product': {
        const claimed = { ...delivery, deliveryId: `${delivery.deliveryId}#product-${write.product.id}` };
        await db.query(
          queries.recordProduct.text,
          queries.recordProduct.values(recordProductParams(claimed, write.product)),
        );
        return;
      }
      case 'refund': {
        const e = write.event;
        const lines = (e.lines ?? []).map((l) => ({
          product_id: l.productId,
          quantity: l.quantity,
          amount: l.amount ?? null,
        }));
        const res = await db.query<{ id: string }>(queries.recordRefund, [
          e.store,
          e.orderId,
          e.at,
          JSON.stringify(lines),
          e.amount ?? null,
          e.lines === undefined,
          e.refundId ?? null,
        ]);
        for (const row of res.rows) outcome.unschedule.push(String(row.id));
        return;
      }
      case 'other':
        await this.applyOther(db, write.event, outcome);
    }
  }

  private async applyOther(db: Queryable, event: CanonicalEvent, outcome: RecordOutcome): Promise<void> {
    switch (event.type) {
      case 'customer.updated':
        await updateCustomer(db, event.data.store, event.data.customer);
        return;
      case 'customer.unsubscribed': {
        // Keyed by the address actually sent to (the schema admits only a single address).
        const address = normaliseEmail(event.data.email);
        if (address) await suppress(db, { store: event.data.store, address, reason: 'unsubscribed' });
        return;
      }
      case 'customer.erased':
        await this.erase(db, event.data, outcome);
        return;
      case 'customer.data_requested':
        if (this.deps.privacy) await writeDataRequest(db, this.deps.privacy, event.data, this.deps.log);
        else
          this.deps.log?.warn(
            { store: event.data.store },
            'customer data request not answered: no data dir to write it to',
          );
        return;
      case 'store.erased':
        await db.query(queries.eraseStore, [event.data.store]);
        if (this.deps.privacy) await eraseStoreFiles(this.deps.privacy, event.data.store);
        return;
      case 'ticket.opened':
      case 'ticket.closed':
        await recordTicket(db, event.data, event.type === 'ticket.opened');
        return;
      default:
        return;
    }
  }

  /**
   * Everything naming the customer, found by every identifier the request carries: its rows
   * scrubbed and re-keyed, pending emails cancelled, the payloads naming it nulled, its files gone.
   */
  private async erase(db: Queryable, request: PrivacyRequest, outcome: RecordOutcome): Promise<void> {
    const who = await identify(db, request);
    const erased = await db.query<{ cancelled: string[] }>(queries.eraseCustomer, [
      request.store,
      who.keys,
      who.orderIds,
      who.addressHashes,
    ]);
    outcome.unschedule.push(...erased.rows[0]!.cancelled);
    await db.query(queries.erasePayloads, [request.store, who.keys, who.emails, idPatterns(who)]);
    if (this.deps.privacy) await eraseCustomerFiles(this.deps.privacy, request.store, who);
  }

  /** An order write decided from its own payload (timing, total), ready for record-orders.sql. */
  async prepareOrder(
    db: Queryable,
    delivery: IncomingDelivery,
    w: OrderWrite,
    claimed: boolean,
  ): Promise<PreparedOrder> {
    const o = w.snapshot;
    const now = this.deps.now?.() ?? new Date();
    const fromPayload = payloadFacts(w);
    if (fromPayload) fromPayload.lines = await this.withCatalog(db, delivery.store, fromPayload.lines);
    const verdict = fromPayload ? await this.decide(delivery.store, fromPayload, now) : null;
    const total = o ? sumMoney(o.lines.map((l) => [l.unitPrice, l.quantity])) : null;
    const attributionWindowMs = this.deps.attributionWindow?.(delivery.store) ?? 7 * 86_400_000;
    const { row, payload } = orderRow(delivery, w, { claimed, verdict, total, attributionWindowMs });
    return { delivery, write: w, row, payload, fromPayload, now };
  }

  /**
   * Writes the orders with one statement and finishes each: its codes attributed, a known
   * order re-decided. The rows name each order, customer and delivery once (GroupCommit's rounds).
   */
  async writeOrders(db: Queryable, orders: PreparedOrder[]): Promise<RecordOutcome[]> {
    let offset = 0;
    const rows = orders.map((p, i) => {
      const at = { payload_offset: p.payload ? offset : null, payload_length: p.payload?.length ?? null };
      offset += p.payload?.length ?? 0;
      return { ...p.row, idx: i + 1, ...at };
    });
    const payloads = Buffer.concat(orders.flatMap((p) => (p.payload ? [p.payload] : [])));
    const res = await this.run(db, 'record-orders', queries.recordOrders, [JSON.stringify(rows), payloads]);
    const outcomes: RecordOutcome[] = [];
    for (const [i, p] of orders.entries()) outcomes.push(await this.finishOrder(db, p, res.rows[i] as RecordOrderRow));
    return outcomes;
  }

  /** What one row of record-orders.sql leaves to do: codes, queue work, a known order's re-decision. */
  private async finishOrder(db: Queryable, p: PreparedOrder, row: RecordOrderRow): Promise<RecordOutcome> {
    const outcome: RecordOutcome = { duplicate: row.claimed === 0, schedule: [], unschedule: [] };
    if (outcome.duplicate) return outcome;
    const { delivery, write: w } = p;
    if (w.snapshot?.discountCodes?.length)
      await attributeCodes(db, delivery.store, w.orderId, w.snapshot.discountCodes);
    if (row.cancelledId) outcome.unschedule.push(String(row.cancelledId));
    if (row.crossSell) {
      if (row.crossSell.status === 'scheduled')
        outcome.schedule.push({
          crossSellId: String(row.crossSell.id),
          dueAt: new Date(row.crossSell.due_at!),
          fresh: true,
        });
      return outcome;
    }
    // A known order: re-decide with everything recorded so far; the newest event wins.
    const facts = storedFacts(row, p.fromPayload);
    if (facts) await this.redecide(db, delivery.store, w.orderId, row.order!.version, facts, p.now, outcome);
    return outcome;
  }

  /** A known order's cross-sell decided again (decide-cross-sell.sql), and queued or dropped to match. */
  private async redecide(
    db: Queryable,
    store: string,
    orderId: string,
    version: number,
    facts: OrderFacts,
    now: Date,
    outcome: RecordOutcome,
  ): Promise<void> {
    const again = await this.decide(store, facts, now);
    const decided = await this.run(db, 'decide-cross-sell', queries.decideCrossSell, [
      store,
      orderId,
      version,
      again.status,
      again.reason,
      again.dueAt,
      JSON.stringify(again.timing),
    ]);
    const crossSell = decided.rows[0] as { id: string; status: string; due_at: Date | null } | undefined;
    if (crossSell?.status === 'scheduled' && crossSell.due_at)
      outcome.schedule.push({ crossSellId: String(crossSell.id), dueAt: new Date(crossSell.due_at), fresh: false });
    else if (crossSell && crossSell.status !== 'waiting') outcome.unschedule.push(String(crossSell.id));
  }

  /** Payload lines with the catalog's type, vendor and tags where they have none, when the config reads them. */
  private async withCatalog(db: Queryable, store: string, lines: TimedLine[]): Promise<TimedLine[]> {
    const incomplete = lines.filter((l) => !l.productType || !l.vendor || !l.tags?.length).map((l) => l.productId);
    if (incomplete.length === 0 || !timingReadsCatalog(this.deps.timing(store))) return lines;
    const { rows } = await this.run(db, 'catalog-facts', queries.catalogFacts, [store, incomplete]);
    return withCatalogFacts(lines, new Map(rows.map((r: CatalogFacts & { productId: string }) => [r.productId, r])));
  }

  private async decide(store: string, facts: OrderFacts, now: Date): Promise<TimingVerdict> {
    const learned = this.deps.learned ? await this.deps.learned(store) : undefined;
    return decideOrderTiming({ ...facts, learned }, this.deps.timing(store), now);
  }
}

interface RecordOrderRow {
  claimed: number;
  order: {
    order_id: string;
    version: number;
    inserted: boolean;
    customer_key: string | null;
    created_at: string | null;
    shipping_country: string | null;
    shipping_province: string | null;
    paid_at: string | null;
    fulfilled_at: string | null;
    delivered_at: string | null;
    cancelled_at: string | null;
    refunded_at: string | null;
    from_history: boolean;
  } | null;
  crossSell: { id: string; status: string; due_at: string | null } | null;
  cancelledId: string | null;
  storedLines: StoredTimedLine[];
  customer: { timezone: string | null } | null;
}

/** What the delivery's own order snapshot says, when it carries one. */
function payloadFacts(w: OrderWrite): OrderFacts | null {
  const o = w.snapshot;
  if (!o) return null;
  return {
    lines: o.lines,
    milestones: { order: o.createdAt, paid: w.paid, fulfilled: w.fulfilled, delivered: w.delivered },
    cancelledAt: w.cancelled ?? null,
    refundedAt: null,
    customerTimezone: o.customer.timezone,
    shippingCountry: o.shippingCountry,
    shippingProvince: o.shippingProvince,
  };
}

/**
 * A known order as recorded so far, with the payload's lines when it had some; undefined when
 * there is nothing to re-decide (an imported order, one without a creation time or lines).
 */
function storedFacts(row: RecordOrderRow, fromPayload: OrderFacts | null): OrderFacts | undefined {
  const ord = row.order;
  if (!ord || ord.from_history || !ord.created_at) return undefined;
  const storedLines = fromPayload ? fromPayload.lines : timedLines(row.storedLines);
  if (storedLines.length === 0) return undefined;
  return {
    lines: storedLines,
    milestones: {
      order: ord.created_at,
      paid: ord.paid_at ?? undefined,
      fulfilled: ord.fulfilled_at ?? undefined,
      delivered: ord.delivered_at ?? undefined,
    },
    cancelledAt: ord.cancelled_at,
    refundedAt: ord.refunded_at,
    customerTimezone: row.customer?.timezone ?? undefined,
    shippingCountry: ord.shipping_country ?? undefined,
    shippingProvince: ord.shipping_province ?? undefined,
  };
}

/** update-customer.sql: a customer.updated event's facts, dated by factTimes(). */
async function updateCustomer(db: Queryable, store: string, c: Customer): Promise<void> {
  const key = customerKey(c);
  if (!key) return;
  await db.query(queries.updateCustomer, [
    store,
    key,
    storedEmail(c.email),
    c.firstName ?? null,
    c.lastName ?? null,
    c.locale ?? null,
    c.timezone ?? null,
    c.marketingConsent ?? null,
    c.id ?? null,
    ...factTimes(c),
  ]);
}

async function recordTicket(db: Queryable, t: TicketEvent, opened: boolean): Promise<void> {
  await db.query(queries.recordTicket, [
    t.store,
    t.ticketId,
    customerKey({ email: t.customer.email }),
    t.orderId ?? null,
    opened ? t.at : null,
    opened ? null : t.at,
  ]);
}

type TicketEvent = Extract<CanonicalEvent, { type: 'ticket.opened' | 'ticket.closed' }>['data'];

function deliveryCustomerKey(events: CanonicalEvent[]): string | null {
  for (const e of events) {
    if (e.type === 'order.created') return customerKey(e.data.order.customer);
    if (e.type === 'ticket.opened' || e.type === 'ticket.closed') return customerKey({ email: e.data.customer.email });
    if (e.type === 'customer.updated') return customerKey(e.data.customer);
  }
  return null;
}
