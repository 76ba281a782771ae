// Shared builders for the timing tests: real config defaults via the zod schema, terse lines.
import { configSchema, type ConfigInput, type TimingConfig } from '../../src/config/schema.js';
import type { Milestones, TimedLine, TimingInput } from '../../src/timing/index.js';

export function timingConfig(timing: ConfigInput['timing'] = {}): TimingConfig {
  return configSchema.parse({ timing }).timing;
}

/** The SPEC's example timing block, with quiet hours off unless a test turns them on. */
export function exampleTiming(extra: ConfigInput['timing'] = {}): TimingConfig {
  return timingConfig({
    default: { after: 'fulfilled', delay: '3d' },
    rules: [
      { when: { productType: ['Video Game Console'] }, after: 'order', delay: '2h', name: 'consoles' },
      { when: { tags: ['gift-card'] }, skip: true, name: 'gift cards' },
    ],
    quietHours: false,
    ...extra,
  });
}

let next = 0;
export function line(fields: Partial<TimedLine> = {}): TimedLine {
  next += 1;
  return { productId: `p${next}`, quantity: 1, unitPrice: '10.00', ...fields };
}

export const console_ = (fields: Partial<TimedLine> = {}): TimedLine =>
  line({ productType: 'Video Game Console', unitPrice: '499.00', ...fields });
export const giftCard = (fields: Partial<TimedLine> = {}): TimedLine =>
  line({ productType: 'Gift Card', tags: ['gift-card'], unitPrice: '50.00', ...fields });

export const at = (iso: string): Date => new Date(iso);

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function order(
  lines: TimedLine[],
  milestones: Partial<Milestones> = {},
  extra: Partial<TimingInput> = {},
): TimingInput {
  return { lines, milestones: { order: at('2024-06-03T10:00:00Z'), ...milestones }, ...extra };
}
