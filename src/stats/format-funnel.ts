// `aftercart stats` for a terminal: the funnel with each step as a share of the one before,
// then where the rest went (skip reasons most frequent first), revenue, and the queue's head.
import type { Stats } from './funnel.js';
import { formatMeasure } from '../measure/format-measure.js';
import { formatOfferStats } from '../offers/offer-stats.js';

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–';
}

type Row = (label: string, n: number, note?: string) => string;

export function formatFunnel(s: Stats): string {
  const since = s.since?.endsWith('T00:00:00.000Z') ? s.since.slice(0, 10) : s.since;
  const scope = `${since ? `orders since ${since}` : 'all orders'}${s.store ? ` in ${s.store}` : ''}`;
  const width = Math.max(6, ...[s.received, s.scheduled, s.sent].map((n) => String(n).length));
  const row: Row = (label, n, note = '') =>
    `  ${label.padEnd(12)}${String(n).padStart(width)}${note ? `  ${note}` : ''}`;
  const lines: string[] = [`Aftercart funnel — ${scope}`, ''];
  lines.push(...funnelSteps(s, row), '', ...whereTheRestWent(s, row), ...skipReasons(s, width));
  const revenue = Object.entries(s.attributedRevenue);
  lines.push(
    '',
    `  attributed revenue  ${revenue.length ? revenue.map(([c, v]) => `${c} ${v}`).join(', ') : 'none yet'}` +
      '  (net of refunds; bought after an email, not all because of it)',
  );
  if (s.offers) lines.push(...formatOfferStats(s.offers));
  if (s.measure) lines.push(...formatMeasure(s.measure));
  lines.push(...queueHead(s));
  return lines.join('\n') + '\n';
}

/** Received → scheduled → sent → clicked → converted, each a share of the step it follows. */
function funnelSteps(s: Stats, row: Row): string[] {
  const served = s.served ? ` (+${s.served} order${s.served === 1 ? '' : 's'} covered by another order's email)` : '';
  const heldOut = `${percent(s.heldOut, s.scheduled).padStart(6)} of scheduled (measurement group: decided like a send, not emailed)`;
  return [
    row('received', s.received),
    row('scheduled', s.scheduled, `${percent(s.scheduled, s.received).padStart(6)} of received`),
    row('sent', s.sent, `${percent(s.sent, s.scheduled).padStart(6)} of scheduled${served}`),
    row('clicked', s.clicked, `${percent(s.clicked, s.sent).padStart(6)} of sent`),
    row('converted', s.converted, `${percent(s.converted, s.sent).padStart(6)} of sent`),
    ...(s.heldOut ? [row('held out', s.heldOut, heldOut)] : []),
  ];
}

/** The orders that did not get an email (yet), as shares of all received. */
function whereTheRestWent(s: Stats, row: Row): string[] {
  const ofReceived = (n: number) => `${percent(n, s.received).padStart(6)} of received`;
  return [
    row('waiting', s.waiting, `${ofReceived(s.waiting)} (trigger not seen yet)`),
    row('pending', s.pending, `${ofReceived(s.pending)} (scheduled, not sent yet)`),
    row('failed', s.failed, `${ofReceived(s.failed)}${reasonList(s.failedReasons)}`),
    row('cancelled', s.cancelled, `${ofReceived(s.cancelled)}${reasonList(s.cancelledReasons)}`),
    row('skipped', s.skippedTotal, ofReceived(s.skippedTotal)),
  ];
}

/** Skip reasons, most frequent first, under the "skipped" row. */
function skipReasons(s: Stats, width: number): string[] {
  const reasons = Object.entries(s.skipped);
  const reasonWidth = Math.max(0, ...reasons.map(([r]) => r.length));
  return reasons.map(
    ([reason, n]) =>
      `    ${reason.padEnd(reasonWidth)}  ${String(n).padStart(width)}  ${percent(n, s.skippedTotal).padStart(6)} of skipped`,
  );
}

/** Emails sent lately, the next sends due and the latest failures. */
function queueHead(s: Stats): string[] {
  const lines: string[] = [];
  const sentLately = s.sentPerDay.reduce((sum, d) => sum + d.count, 0);
  if (s.sentPerDay.length) {
    lines.push(`  emails sent ${s.sentPerDay[0]!.day} .. ${s.sentPerDay[s.sentPerDay.length - 1]!.day}: ${sentLately}`);
  }
  if (s.upcoming.length) {
    lines.push('', '  next due');
    for (const u of s.upcoming.slice(0, 5)) lines.push(`    ${u.dueAt ?? '(no time)'}  ${u.store}  order ${u.orderId}`);
  }
  if (s.recentFailures.length) {
    lines.push('', '  recent failures');
    for (const f of s.recentFailures.slice(0, 5))
      lines.push(`    ${f.at}  ${f.store}  order ${f.orderId}  ${f.reason}`);
  }
  return lines;
}

function reasonList(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? ` (${entries.map(([r, n]) => `${r} ${n}`).join(', ')})` : '';
}
