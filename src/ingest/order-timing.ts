// Turns what we know of an order into the cross-sell's row: status, reason, due time and the
// timing figures `explain` prints. Cancellation and refunds outrank any timing rule.
import { decideTiming, type TimedLine, type TimingDecision } from '../timing/index.js';
import type { TimingConfig } from '../config/schema.js';

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

export type CrossSellStatus = 'waiting' | 'scheduled' | 'sending' | 'sent' | 'skipped' | 'cancelled' | 'failed';

export interface TimingVerdict {
  status: CrossSellStatus;
  reason: string | null;
  dueAt: Date | null;
  /** The decision behind it, stored for `explain`. */
  timing: TimingDecision | { status: 'cancelled'; reason: string };
}

const asDate = (d: string | Date | undefined) => (d === undefined ? undefined : new Date(d));

export function decideOrderTiming(facts: OrderFacts, timing: TimingConfig, now: Date): TimingVerdict {
  if (facts.cancelledAt) return { status: 'cancelled', reason: 'order_cancelled', dueAt: null, timing: { status: 'cancelled', reason: 'order_cancelled' } };
  if (facts.refundedAt) return { status: 'cancelled', reason: 'order_refunded', dueAt: null, timing: { status: 'cancelled', reason: 'order_refunded' } };
  const m = facts.milestones;
  const decision = decideTiming(
    {
      lines: facts.lines.map((l) => ({ ...l, unitPrice: String(l.unitPrice) })),
      milestones: { order: new Date(m.order), paid: asDate(m.paid), fulfilled: asDate(m.fulfilled), delivered: asDate(m.delivered) },
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

export interface RecordedLine {
  productId: string;
  sku: string | null;
  productType: string | null;
  vendor: string | null;
  tags: string[] | null;
  quantity: number;
  unitPrice: string;
  returnedQuantity: number;
}

/** Timing facts from a recorded order; every unit returned counts as refunded. */
export function recordedFacts(order: RecordedOrder, lines: RecordedLine[], now: Date): OrderFacts {
  const allReturned = lines.length > 0 && lines.every((l) => l.returnedQuantity >= l.quantity);
  return {
    lines: lines.map((l) => ({
      productId: l.productId, sku: l.sku ?? undefined, productType: l.productType ?? undefined, vendor: l.vendor ?? undefined,
      tags: l.tags ?? undefined, quantity: l.quantity, unitPrice: l.unitPrice,
    })),
    milestones: {
      order: order.createdAt ?? now, paid: order.paidAt ?? undefined, fulfilled: order.fulfilledAt ?? undefined, delivered: order.deliveredAt ?? undefined,
    },
    cancelledAt: order.cancelledAt,
    refundedAt: order.refundedAt ?? (allReturned ? now : null),
    customerTimezone: order.timezone ?? undefined,
    shippingCountry: order.shippingCountry ?? undefined,
    shippingProvince: order.shippingProvince ?? undefined,
  };
}
