// Public shapes of the timing module: what goes in, what decision comes out.
import type { Trigger } from '../domain/canonical-event.js';
import type { LineMatch, TimingConfig } from '../config/schema.js';

export type { Trigger, LineMatch, TimingConfig };

export interface TimedLine {
  productId: string;
  sku?: string;
  productType?: string;
  vendor?: string;
  tags?: string[];
  quantity: number;
  /** Decimal string, e.g. "12.50"; compared exactly, never as a float. */
  unitPrice: string;
}

export interface Milestones {
  order: Date;
  paid?: Date;
  fulfilled?: Date;
  delivered?: Date;
}

export interface LearnedDelay {
  medianMs: number;
  samples: number;
}

export interface TimingInput {
  lines: TimedLine[];
  milestones: Milestones;
  /** IANA zone from the event; an invalid one is ignored. */
  customerTimezone?: string;
  /** ISO 3166-1 alpha-2. */
  shippingCountry?: string;
  /** Code or name, e.g. 'CA' / 'California' for US, 'BC' for Canada. */
  shippingProvince?: string;
  /** Learned delay per product type: median ms from buying the type to buying a complement. */
  learned?: Record<string, LearnedDelay>;
}

export type Adjustment =
  /** `end`: when the quiet window ended; `offsetMs`: the spread's share after it (0 when none). */
  | { kind: 'quiet_hours'; from: string; to: string; end?: string; offsetMs?: number; spreadMs?: number }
  | { kind: 'learned_floor' | 'learned_ceiling' | 'learned_fallback'; ms: number };

export interface RuleRef {
  /** Index into `timing.rules`; null means `timing.default`. */
  index: number | null;
  name?: string;
  /** productId of the line whose rule decided. */
  matchedLine?: string;
}

export type LearnedUse = LearnedDelay & { used: 'median' | 'floor' | 'ceiling' | 'fallback' };

export type TimingDecision =
  | { status: 'skipped'; reason: 'rule_skip'; rule: RuleRef }
  | { status: 'waiting'; trigger: Trigger; rule: RuleRef; timezone: string; expiresAt: Date; delayMs: number }
  | { status: 'expired'; reason: 'expired'; trigger: Trigger; rule: RuleRef; expiresAt: Date }
  | {
      status: 'scheduled';
      dueAt: Date;
      trigger: Trigger;
      triggerAt: Date;
      delayMs: number;
      rule: RuleRef;
      timezone: string;
      adjustments: Adjustment[];
      learned?: LearnedUse;
    };

export type QuietHours = TimingConfig['quietHours'];
