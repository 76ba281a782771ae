// Timing: when to send an order's cross-sell email. Pure functions, no I/O.
export { decideTiming } from './decide.js';
export { resolveTimezone } from './zones.js';
export { applyQuietHours } from './quiet-hours.js';
export { matchRule } from './match.js';
export type {
  Adjustment,
  LearnedDelay,
  LineMatch,
  Milestones,
  RuleRef,
  TimedLine,
  TimingConfig,
  TimingDecision,
  TimingInput,
  Trigger,
} from './types.js';
