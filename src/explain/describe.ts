// A decision in one sentence with its figures, for operators: "Skipped: returned 75% of units
// (limit 30%) over 4 orders in 365 days". Limits come from the config in force now.
import { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import { formatDuration } from '../config/duration.js';
import type { Explanation } from './explain-order.js';

const TRIGGER_WORDS: Record<string, string> = {
  order: 'the order',
  paid: 'payment',
  fulfilled: 'fulfilment',
  delivered: 'delivery',
};
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const pct = (v: number): string => `${Math.round(v * 100)}%`;
const days = (ms: number): string => `${Math.round(ms / 86_400_000)} days`;

/** "rule 2: Printer, after fulfilled + 3d", or "the default rule, after the order + 2h". */
export function describeRule(e: Explanation, config: Config): string {
  const rule = (e.rule ?? {}) as { index?: number | null; name?: string; matchedLine?: string };
  const timing = (e.timing ?? {}) as { delayMs?: number; trigger?: string };
  const index = typeof rule.index === 'number' ? rule.index : null;
  const configured = index === null ? undefined : config.timing.rules[index];
  const label =
    index === null
      ? 'the default rule'
      : `rule ${index + 1}${(rule.name ?? configured?.name) ? `: ${rule.name ?? configured?.name}` : ''}`;
  const matched = rule.matchedLine ? ` (product ${rule.matchedLine})` : '';
  const trigger = e.trigger ?? timing.trigger;
  const delay = typeof timing.delayMs === 'number' && timing.delayMs > 0 ? ` + ${formatDuration(timing.delayMs)}` : '';
  return trigger ? `${label}${matched}, after ${TRIGGER_WORDS[trigger] ?? trigger}${delay}` : `${label}${matched}`;
}

function inZone(iso: string, zone: string | null): string {
  const t = DateTime.fromISO(iso, { zone: zone ?? 'UTC' });
  return t.isValid ? `${t.toFormat('ccc d LLL yyyy HH:mm')} ${zone ?? 'UTC'}` : iso;
}

function skipReason(e: Explanation, config: Config): string {
  const f = e.figures ?? {};
  const { returns, service } = config.eligibility;
  switch (e.reason) {
    case 'high_return_rate':
      return `returned ${pct(num(f.returnRate))} of units (limit ${pct(returns.maxRate)}) over ${num(f.orders)} orders in ${days(returns.lookback)}`;
    case 'high_service_load':
      return `${num(f.ticketsPerOrder).toFixed(2)} support tickets per order (limit ${service.maxTicketsPerOrder}) over ${num(f.serviceOrders)} orders in ${days(service.lookback)}`;
    case 'open_ticket':
      return `${num(f.openTickets)} support ticket(s) still open`;
    case 'frequency_cap':
      return `${num(f.recentEmails)} cross-sell email(s) already sent in the last ${days(config.timing.frequencyCap.per)} (limit ${config.timing.frequencyCap.max})`;
    case 'no_consent':
      return 'no marketing consent on record';
    case 'unsubscribed':
      return 'the customer unsubscribed';
    case 'suppressed':
      return `the address is suppressed${f.suppression ? ` (${String(f.suppression)})` : ''}`;
    case 'no_email':
      return 'the order has no email address';
    case 'invalid_email':
      return "the order's email is not a single plain address";
    case 'rule_skip':
      return `${describeRule(e, config)} skips these products`;
    case 'expired':
      return `${TRIGGER_WORDS[e.trigger ?? ''] ?? 'the trigger'} never came within ${days(config.timing.expireAfter)} of the order`;
    case 'no_complements':
      return 'nothing to offer: no complement of the bought products is available and not already owned';
    default:
      return e.reason ?? 'no reason recorded';
  }
}

type QuietMove = { kind?: string; from?: string; to?: string; offsetMs?: number; spreadMs?: number };

function quietMove(e: Explanation): string {
  const moved = (e.adjustments as QuietMove[]).find((a) => a.kind === 'quiet_hours');
  if (!moved?.from || !moved.to) return '';
  // Held sends leave spread after the window's end: say how far into that spread this one is.
  const spread =
    moved.spreadMs && moved.offsetMs !== undefined
      ? ` (${Math.floor(moved.offsetMs / 60_000)} min after they end: held sends are spread over ${formatDuration(moved.spreadMs)})`
      : '';
  return `; moved out of quiet hours from ${inZone(moved.from, e.timezone)} to ${inZone(moved.to, e.timezone)}${spread}`;
}

function retrying(e: Explanation): string {
  return e.attempts > 0 && e.lastReply ? `; retrying after attempt ${e.attempts}, last reply "${e.lastReply}"` : '';
}

export function describeDecision(e: Explanation, config: Config): string {
  switch (e.status) {
    case 'waiting':
      return `Waits for ${TRIGGER_WORDS[e.trigger ?? ''] ?? e.trigger ?? 'its trigger'} (${describeRule(e, config)})`;
    case 'scheduled':
      return `Due ${e.dueAt ? inZone(e.dueAt, e.timezone) : 'now'} (${describeRule(e, config)})${quietMove(e)}${retrying(e)}`;
    case 'sending':
      return 'Being sent now';
    case 'sent':
      return `Sent ${e.sentAt ? inZone(e.sentAt, e.timezone) : ''}${e.items.length ? ` with ${e.items.length} item(s)` : ''}`.trim();
    case 'skipped':
      return `Skipped: ${skipReason(e, config)}`;
    case 'cancelled':
      return e.reason === 'order_refunded' ? 'Cancelled: the order was refunded' : 'Cancelled: the order was cancelled';
    case 'failed':
      return `Failed: ${e.reason === 'interrupted' ? 'the send was interrupted mid-SMTP; it may or may not have arrived' : (e.reason ?? 'unknown')}${e.lastReply ? ` (server: "${e.lastReply}")` : ''}`;
    case 'held_out':
      return 'Held out: decided like a send, not emailed (the measurement group)';
    default:
      return e.status;
  }
}
