// Delay "learned": the store's own median time from buying a product type to buying a complement.
import type { Adjustment, LearnedDelay, LearnedUse, TimingConfig } from './types.js';

export interface ResolvedLearned {
  ms: number;
  learned: LearnedUse;
  adjustment?: Adjustment;
}

function lookup(
  table: Record<string, LearnedDelay> | undefined,
  productType: string | undefined,
): LearnedDelay | undefined {
  if (!table || typeof productType !== 'string') return undefined;
  if (Object.hasOwn(table, productType)) return table[productType];
  // Product types are typed by hand; tolerate a case difference between order and history.
  const key = Object.keys(table).find((k) => k.trim().toLowerCase() === productType.trim().toLowerCase());
  return key === undefined ? undefined : table[key];
}

/**
 * Too few samples or no entry → the configured fallback; otherwise the median clamped to
 * [floor, ceiling] (floor is checked first, so a misconfigured floor > ceiling yields the floor).
 * A missing entry is reported as { medianMs: 0, samples: 0 }.
 */
export function resolveLearned(
  productType: string | undefined,
  table: Record<string, LearnedDelay> | undefined,
  config: TimingConfig['learned'],
): ResolvedLearned {
  const found = lookup(table, productType);
  const stats: LearnedDelay =
    found && Number.isFinite(found.medianMs) && Number.isFinite(found.samples)
      ? { medianMs: found.medianMs, samples: found.samples }
      : { medianMs: 0, samples: 0 };
  if (stats.samples < config.minSamples) {
    return {
      ms: config.fallback,
      learned: { ...stats, used: 'fallback' },
      adjustment: { kind: 'learned_fallback', ms: config.fallback },
    };
  }
  if (stats.medianMs < config.floor) {
    return {
      ms: config.floor,
      learned: { ...stats, used: 'floor' },
      adjustment: { kind: 'learned_floor', ms: config.floor },
    };
  }
  if (stats.medianMs > config.ceiling) {
    return {
      ms: config.ceiling,
      learned: { ...stats, used: 'ceiling' },
      adjustment: { kind: 'learned_ceiling', ms: config.ceiling },
    };
  }
  return { ms: stats.medianMs, learned: { ...stats, used: 'median' } };
}
