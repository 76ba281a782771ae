// Turns what we know of an order into the cross-sell's row: status, reason, due time and the
// timing figures `explain` prints. Cancellation and refunds outrank any timing rule.
import { decideTiming, type TimedLine, type TimingDecision } from './index.js';
import type { TimingConfig } from '../config/schema.js';
import type { CrossSellStatus } from '../domain/cross-sell-status.js';
import type { SkipReason } from '../domain/reason-codes.js';

export interface OrderFacts {
  lines: TimedLine[];
  milestones: { order: string | Date; paid?: string | Date; fulfilled?: string | Date; delivered?: string | Date };
  cancelledAt: string | Date | null;
  refundedAt: string | Date | null;
  customerTimezone?: string;
  shippingCountry?: string;
  shippingProvince?: string;
  learned?: Record<string, { medianMs: number; samples: number }>;
}

export interface TimingVerdict {
  status: CrossSellStatus;
  reason: SkipReason | null;
  dueAt: Date | null;
  /** The decision behind it, stored for `explain`; `untyped` lists products of no known type. */
  timing: (TimingDecision | { status: 'cancelled'; reason: string }) & { untyped?: string[] };
}

const asDate = (d: string | Date | undefined) => (d === undefined ? undefined : new Date(d));

/** The decision, with the products whose type neither the order nor the catalog gave. */
export function decideOrderTiming(facts: OrderFacts, timing: TimingConfig, now: Date): TimingVerdict {
  const verdict = decideFromFacts(facts, timing, now);
  const untyped = facts.lines.filter((l) => typeof l.productType !== 'string').map((l) => l.productId);
  return untyped.length > 0 ? { ...verdict, timing: { ...verdict.timing, untyped } } : verdict;
}

function decideFromFacts(facts: OrderFacts, timing: TimingConfig, now: Date): TimingVerdict {
  if (facts.cancelledAt)
    return {
      status: 'cancelled',
      reason: 'order_cancelled',
      dueAt: null,
      timing: { status: 'cancelled', reason: 'order_cancelled' },
    };
  if (facts.refundedAt)
    return {
      status: 'cancelled',
      reason: 'order_refunded',
      dueAt: null,
      timing: { status: 'cancelled', reason: 'order_refunded' },
    };
  const m = facts.milestones;
  const decision = decideTiming(
    {
      lines: facts.lines.map((l) => ({ ...l, unitPrice: String(l.unitPrice) })),
      milestones: {
        order: new Date(m.order),
        paid: asDate(m.paid),
        fulfilled: asDate(m.fulfilled),
        delivered: asDate(m.delivered),
      },
      customerTimezone: facts.customerTimezone,
      shippingCountry: facts.shippingCountry,
      shippingProvince: facts.shippingProvince,
      learned: facts.learned,
    },
    timing,
    now,
  );
  switch (decision.status) {
    case 'scheduled':
      return { status: 'scheduled', reason: null, dueAt: decision.dueAt, timing: decision };
    case 'waiting':
      return { status: 'waiting', reason: null, dueAt: null, timing: decision };
    case 'skipped':
      return { status: 'skipped', reason: 'rule_skip', dueAt: null, timing: decision };
    case 'expired':
      return { status: 'skipped', reason: 'expired', dueAt: null, timing: decision };
  }
}

/** An order as the worker and `reschedule` read it back from Postgres (camelCase columns). */
export interface RecordedOrder {
  createdAt: string | Date | null;
  paidAt: string | Date | null;
  fulfilledAt: string | Date | null;
  deliveredAt: string | Date | null;
  cancelledAt: string | Date | null;
  refundedAt: string | Date | null;
  timezone: string | null;
  shippingCountry: string | null;
  shippingProvince: string | null;
}

export interface RecordedLine extends StoredTimedLine {
  returnedQuantity: number;
}

/** Does a decision under this config read a line's type, vendor or tags (rules, learned delays)? */
export function timingReadsCatalog(timing: TimingConfig): boolean {
  if (timing.default.delay === 'learned') return true;
  return timing.rules.some((r) => r.delay === 'learned' || r.when.productType || r.when.vendor || r.when.tags);
}

/** Stored lines as the timing decision takes them: SQL nulls read as absent. */
export function timedLines(lines: readonly StoredTimedLine[]): TimedLine[] {
  return lines.map((l) => ({
    productId: l.productId,
    sku: l.sku ?? undefined,
    productType: l.productType ?? undefined,
    vendor: l.vendor ?? undefined,
    tags: l.tags ?? undefined,
    quantity: l.quantity,
    unitPrice: String(l.unitPrice),
  }));
}

export interface StoredTimedLine {
  productId: string;
  sku: string | null;
  productType: string | null;
  vendor: string | null;
  tags: string[] | null;
  quantity: number;
  unitPrice: string;
}

/** What the catalog says of a product, for lines that don't say it themselves. */
export interface CatalogFacts {
  productType: string | null;
  vendor: string | null;
  tags: string[] | null;
}

/** A line's own type, vendor and tags win; missing ones come from the catalog (as order_line_facts does in SQL). */
export function withCatalogFacts<L extends TimedLine>(lines: L[], catalog: Map<string, CatalogFacts>): L[] {
  return lines.map((l) => {
    const c = catalog.get(l.productId);
    if (!c) return l;
    return {
      ...l,
      productType: l.productType || c.productType || undefined,
      vendor: l.vendor || c.vendor || undefined,
      tags: l.tags && l.tags.length > 0 ? l.tags : (c.tags ?? undefined),
    };
  });
}

/** Timing facts from a recorded order; every unit returned counts as refunded. */
export function recordedFacts(order: RecordedOrder, lines: RecordedLine[], now: Date): OrderFacts {
  const allReturned = lines.length > 0 && lines.every((l) => l.returnedQuantity >= l.quantity);
  return {
    lines: timedLines(lines),
    milestones: {
      order: order.createdAt ?? now,
      paid: order.paidAt ?? undefined,
      fulfilled: order.fulfilledAt ?? undefined,
      delivered: order.deliveredAt ?? undefined,
    },
    cancelledAt: order.cancelledAt,
    refundedAt: order.refundedAt ?? (allReturned ? now : null),
    customerTimezone: order.timezone ?? undefined,
    shippingCountry: order.shippingCountry ?? undefined,
    shippingProvince: order.shippingProvince ?? undefined,
  };
}
