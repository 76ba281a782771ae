// decideTiming: which rule applies to an order, and when (if ever) its cross-sell email is due.
import { DateTime } from 'luxon';
import { resolveLearned } from './learned.js';
import { matchRule } from './match.js';
import { compareDecimal, lineValue } from '../money/decimal.js';
import { applyQuietHours } from './quiet-hours.js';
import { TRIGGER_RANK, triggerTime } from './triggers.js';
import { resolveTimezone } from './zones.js';
import type { Adjustment, RuleRef, TimedLine, TimingConfig, TimingDecision, TimingInput, Trigger } from './types.js';

/** One line's rule (or the default), ready to be evaluated. */
interface Candidate {
  rule: RuleRef;
  /** The line whose product type a learned delay is looked up by. */
  line?: TimedLine;
  after: Trigger;
  delay: number | 'learned';
  skip: boolean;
}

type Scheduled = Extract<TimingDecision, { status: 'scheduled' }>;
type Pending = Extract<TimingDecision, { status: 'waiting' | 'expired' }>;

interface Context {
  input: TimingInput;
  timing: TimingConfig;
  now: Date;
  timezone: string;
  expiresAt: Date;
}

/** First line with the highest quantity × unitPrice (ties keep the earlier line). */
function mostValuable<T>(items: T[], lineOf: (item: T) => TimedLine): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    if (best === undefined || compareDecimal(lineValue(lineOf(item)), lineValue(lineOf(best))) > 0) best = item;
  }
  return best;
}

type Matched = Candidate & { line: TimedLine };

function candidatesFor(lines: TimedLine[], timing: TimingConfig): Matched[] {
  const out: Matched[] = [];
  for (const line of lines) {
    const index = timing.rules.findIndex((r) => matchRule(line, r.when));
    if (index < 0) continue;
    const r = timing.rules[index]!;
    out.push({
      rule: { index, ...(r.name !== undefined && { name: r.name }), matchedLine: line.productId },
      line,
      after: r.after ?? timing.default.after,
      delay: r.delay ?? timing.default.delay,
      skip: r.skip === true,
    });
  }
  return out;
}

function defaultCandidate(lines: TimedLine[], timing: TimingConfig): Candidate {
  // No rule matched; the most valuable line still lends its product type to a learned delay.
  const line = mostValuable(lines, (l) => l);
  return { rule: { index: null }, line, after: timing.default.after, delay: timing.default.delay, skip: false };
}

function evaluate(c: Candidate, ctx: Context): TimingDecision {
  if (c.skip) return { status: 'skipped', reason: 'rule_skip', rule: c.rule };
  const adjustments: Adjustment[] = [];
  let delayMs: number;
  let learned: Scheduled['learned'];
  if (c.delay === 'learned') {
    const r = resolveLearned(c.line?.productType, ctx.input.learned, ctx.timing.learned);
    delayMs = r.ms;
    learned = r.learned;
    if (r.adjustment) adjustments.push(r.adjustment);
  } else {
    delayMs = c.delay;
  }
  const triggerAt = triggerTime(c.after, ctx.input.milestones);
  if (!triggerAt) {
    // Strictly after: at the exact expiry instant the trigger may still arrive.
    if (ctx.now.getTime() > ctx.expiresAt.getTime()) {
      return { status: 'expired', reason: 'expired', trigger: c.after, rule: c.rule, expiresAt: ctx.expiresAt };
    }
    return {
      status: 'waiting',
      trigger: c.after,
      rule: c.rule,
      timezone: ctx.timezone,
      expiresAt: ctx.expiresAt,
      delayMs,
    };
  }
  const raw = new Date(triggerAt.getTime() + delayMs);
  // Quiet hours are applied to the due time itself, not to `now`: a due time already in the past
  // is kept (even after moving), so the decision depends only on the order, never on when it is
  // computed. The sender delivers past-due mail at once.
  const quiet = applyQuietHours(raw, ctx.timing.quietHours, ctx.timezone);
  if (quiet.moved) adjustments.push(quietAdjustment(raw, quiet, ctx));
  return {
    status: 'scheduled',
    dueAt: quiet.at,
    trigger: c.after,
    triggerAt,
    delayMs,
    rule: c.rule,
    timezone: ctx.timezone,
    adjustments,
    ...(learned && { learned }),
  };
}

/** The move as `explain` shows it: from, to, and when spread, the window's end and the share after it. */
function quietAdjustment(raw: Date, quiet: ReturnType<typeof applyQuietHours>, ctx: Context): Adjustment {
  const spreadMs = ctx.timing.quietHours === false ? 0 : ctx.timing.quietHours.spread;
  const move = { kind: 'quiet_hours' as const, from: iso(raw, ctx.timezone), to: iso(quiet.at, ctx.timezone) };
  if (!spreadMs || !quiet.end) return move;
  return { ...move, end: iso(quiet.end, ctx.timezone), offsetMs: quiet.offsetMs ?? 0, spreadMs };
}

const iso = (d: Date, zone: string): string => DateTime.fromJSDate(d, { zone }).toISO() ?? d.toISOString();

/**
 * 'earliest' / 'latest': skip rules produce no due time, so they decide only when every matched
 * rule skips. 'latest' waits while any rule's trigger is missing (its email would come later);
 * 'earliest' schedules as soon as one rule's trigger is in, ignoring rules still waiting.
 */
function chooseByDueTime(cands: Candidate[], ctx: Context, latest: boolean): TimingDecision {
  const decisions = cands.filter((c) => !c.skip).map((c) => evaluate(c, ctx));
  if (decisions.length === 0) return evaluate(cands[0]!, ctx);
  const scheduled = decisions.filter((d): d is Scheduled => d.status === 'scheduled');
  const pending = decisions.filter((d): d is Pending => d.status === 'waiting' || d.status === 'expired');
  const sign = latest ? -1 : 1;
  if (scheduled.length > 0 && (!latest || pending.length === 0)) {
    // Stable sort: equal due times keep line order.
    return scheduled.sort((a, b) => sign * (a.dueAt.getTime() - b.dueAt.getTime()))[0]!;
  }
  // Report the trigger that will come first ('earliest') or last ('latest'), then by delay.
  const delay = (d: Pending): number => (d.status === 'waiting' ? d.delayMs : 0);
  return pending.sort((a, b) => sign * (TRIGGER_RANK[a.trigger] - TRIGGER_RANK[b.trigger] || delay(a) - delay(b)))[0]!;
}

/**
 * Decides when the order's cross-sell email is due. Pure: the same input, config and `now` give the
 * same decision. Re-run it whenever a milestone arrives; a 'waiting' decision becomes 'scheduled'.
 */
export function decideTiming(input: TimingInput, timing: TimingConfig, now: Date): TimingDecision {
  const order = input.milestones.order;
  if (Number.isNaN(order.getTime())) throw new RangeError('milestones.order is not a valid date');
  const ctx: Context = {
    input,
    timing,
    now,
    timezone: resolveTimezone(input, timing.timezone),
    expiresAt: new Date(order.getTime() + timing.expireAfter),
  };
  const matched = candidatesFor(input.lines, timing);
  if (matched.length === 0) return evaluate(defaultCandidate(input.lines, timing), ctx);
  if (timing.ruleChoice === 'most-valuable-line')
    return evaluate(
      mostValuable(matched, (c) => c.line)!,
      ctx,
    );
  return chooseByDueTime(matched, ctx, timing.ruleChoice === 'latest');
}
