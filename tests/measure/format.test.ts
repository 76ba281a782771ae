// The measurement as the terminal (`aftercart stats`) and the admin dashboard show it: both groups
// side by side, the intervals and the verdict; "off" when no share is held out.
import { describe, expect, it } from 'vitest';
import { formatFunnel } from '../../src/stats/format-funnel.js';
import { dashboardPage } from '../../src/http/admin/pages/dashboard-page.js';
import type { Stats } from '../../src/stats/funnel.js';
import type { Measure } from '../../src/measure/measure.js';

const group = (customers: number, reordered: number, revenue: number) => ({
  customers,
  reordered,
  reorderRate: reordered / customers,
  revenue,
  revenuePerCustomer: revenue / customers,
  recommendedOrders: 3,
  maturing: 2,
});
const measure: Measure = {
  window: '30d',
  periods: [{ store: 'demo', holdout: 0.1, since: '2027-01-01T00:00:00.000Z' }],
  method: { revenue: 'welch', reorderRate: 'newcombe-hybrid-score', confidence: 0.95 },
  byCurrency: {
    USD: {
      treated: group(900, 108, 5400),
      heldOut: group(100, 8, 400),
      incrementalPerEmail: { estimate: 2, low: -0.5, high: 4.5 },
      incrementalTotal: { estimate: 1800, low: -450, high: 4050 },
      reorderRateLift: { estimate: 0.04, low: -0.02, high: 0.09 },
      emailsToSettle: 2700,
      verdict:
        '+$2.00 per email, 95% CI −$0.50 to +$4.50: not yet conclusive; about 2,700 more emails at this rate would settle it',
    },
  },
};
const stats: Stats = {
  since: null,
  store: null,
  generatedAt: '2027-03-01T00:00:00.000Z',
  received: 1100,
  scheduled: 1000,
  waiting: 0,
  pending: 0,
  sent: 900,
  served: 0,
  heldOut: 100,
  failed: 0,
  cancelled: 0,
  skippedTotal: 100,
  skipped: { no_consent: 100 },
  cancelledReasons: {},
  failedReasons: {},
  clicked: 90,
  converted: 30,
  attributedRevenue: { USD: '1200.00' },
  measure,
  sentPerDay: [],
  upcoming: [],
  recentFailures: [],
};

describe('the measurement, shown', () => {
  it('`aftercart stats` prints the held out, both groups, the intervals and the verdict', () => {
    const text = formatFunnel(stats);
    expect(text).toMatch(/held out\s+100\s+10\.0% of scheduled \(measurement group/);
    expect(text).toContain('demo: 10.0% held out since 2027-01-01');
    expect(text).toMatch(/customers \(window over\)\s+900\s+100/);
    expect(text).toMatch(/ordered again\s+12\.0% \(108\)\s+8\.0% \(8\)/);
    expect(text).toMatch(/revenue per customer, net\s+\$6\.00\s+\$4\.00/);
    expect(text).toContain(
      'incremental revenue  +$2.00 (95% CI −$0.50 to +$4.50) per email, +$1,800.00 (95% CI −$450.00 to +$4,050.00) in total',
    );
    expect(text).toContain('reorder-rate lift    +4.0 pts (95% CI −2.0 pts to +9.0 pts)');
    expect(text).toContain(`verdict: ${measure.byCurrency.USD!.verdict}`);
    expect(text).toMatch(
      /attributed revenue  USD 1200\.00  \(net of refunds; bought after an email, not all because of it\)/,
    );
    const off = formatFunnel({
      ...stats,
      heldOut: 0,
      measure: { ...measure, periods: [{ ...measure.periods[0]!, holdout: 0 }], byCurrency: {} },
    });
    expect(off).toContain('measured uplift  off (set measure.holdout');
    expect(off).not.toMatch(/held out\s+0/);
  });

  it('the admin dashboard shows the same card', () => {
    // Whitespace between tags is the template's layout, not what the page says.
    const page = dashboardPage({ stats, csrf: 'x', filter: {} }).replace(/>\s+</g, '><');
    expect(page).toContain('Measured uplift');
    expect(page).toMatch(/<td>Customers \(window over\)<\/td><td class="num">900<\/td><td class="num">100<\/td>/);
    expect(page).toContain('+$2.00 per email, 95% CI −$0.50 to +$4.50: not yet conclusive');
    expect(page).toContain('Held out (measurement group): <b>100</b>');
    const off = dashboardPage({ stats: { ...stats, measure: { ...measure, periods: [] } }, csrf: 'x', filter: {} });
    expect(off).toContain('No holdout: set <code>measure.holdout</code>');
  });
});
