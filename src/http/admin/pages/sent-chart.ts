// Emails sent per day as an inline SVG bar chart: drawn on the server from numbers only, so
// it needs no script and no chart library. Each bar carries a <title> tooltip.
import { trusted, type Html } from './html.js';

const W = 560;
const H = 220;
const M = { top: 12, right: 8, bottom: 28, left: 36 };

/** 1, 2, 5, 10, 20, 50...: the smallest "round" number at or above n. */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

export function sentChart(days: { day: string; count: number }[]): Html {
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const label = `Emails sent per day: ${total} over ${days.length} day${days.length === 1 ? '' : 's'}`;
  if (days.length === 0) return trusted(`<p class="empty">No days in range.</p>`);
  const top = niceCeiling(Math.max(...days.map((d) => d.count)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const slot = plotW / days.length;
  const barW = Math.max(1, slot - Math.min(4, slot * 0.2));
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (const tick of [0, top / 2, top]) {
    if (tick !== Math.round(tick)) continue;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tick}</text>`);
  }
  const every = Math.max(1, Math.ceil(days.length / 7));
  days.forEach((d, i) => {
    const x = M.left + i * slot + (slot - barW) / 2;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(d.day) ? d.day : '';
    const count = Math.max(0, Math.trunc(d.count));
    if (count > 0) {
      const h = (count / top) * plotH;
      parts.push(
        `<rect class="bar" data-day="${day}" data-count="${count}" x="${x.toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" rx="2"><title>${day}: ${count} email${count === 1 ? '' : 's'}</title></rect>`,
      );
    }
    // Labels count back from today, so the latest day is always named and never crowded.
    if ((days.length - 1 - i) % every === 0) {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">${day.slice(5)}</text>`);
    }
  });
  return trusted(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}" data-total="${total}"><title>${label}</title>${parts.join('')}</svg>`,
  );
}
