// The dashboard's measurement card (issue 20): emailed and held-out customers side by side, the
// incremental revenue and reorder-rate lift with 95% intervals, and the verdict in words.
import type { CurrencyMeasure, GroupFigures, Measure } from '../../../measure/measure.js';
import { interval, points } from '../../../measure/format-measure.js';
import { signedMoney } from '../../../measure/verdict.js';
import { html, type Html } from './html.js';

export function measureCard(m: Measure): Html {
  const shares = m.periods.filter((p) => p.holdout > 0);
  const currencies = Object.entries(m.byCurrency);
  return html`<section class="card" aria-labelledby="measure-h" data-figure="measure">
    <h2 id="measure-h">
      Measured uplift
      <span class="empty" style="font-weight:400;font-size:13px"
        >(emailed vs held-out customers, ${m.window} after each email)</span
      >
    </h2>
    ${
      shares.length === 0
        ? html`<p class="empty">
            No holdout: set <code>measure.holdout</code> (e.g. 0.1) to hold out a share of customers and measure what
            the emails add.
          </p>`
        : html`<p class="empty">
              ${shares.map((p) => `${p.store}: ${(p.holdout * 100).toFixed(1)}% held out since ${p.since.slice(0, 10)}`).join(' · ')}
            </p>
            ${currencies.length ? currencies.map(([currency, c]) => currencyTable(currency, c)) : html`<p class="empty">Nobody emailed or held out yet in this period.</p>`}`
    }
  </section>`;
}

function currencyTable(currency: string, c: CurrencyMeasure): Html {
  const money = (n: number | null) => (n === null ? '–' : signedMoney(n, currency).replace(/^\+/, ''));
  const row = (label: string, f: (g: GroupFigures) => string) =>
    html`<tr>
      <td>${label}</td>
      <td class="num">${f(c.treated)}</td>
      <td class="num">${f(c.heldOut)}</td>
    </tr>`;
  return html`<table data-currency="${currency}">
      <thead>
        <tr>
          <th>${currency}</th>
          <th class="num">Emailed</th>
          <th class="num">Held out</th>
        </tr>
      </thead>
      <tbody>
        ${row('Customers (window over)', (g) => String(g.customers))}
        ${row('Ordered again', (g) => (g.reorderRate === null ? '–' : `${(g.reorderRate * 100).toFixed(1)}% (${g.reordered})`))}
        ${row('Revenue per customer, net of refunds', (g) => money(g.revenuePerCustomer))}
        ${row('Orders with a recommended item', (g) => String(g.recommendedOrders))}
        ${row('Still in their window', (g) => String(g.maturing))}
      </tbody>
    </table>
    ${c.incrementalPerEmail && c.incrementalTotal ? html`<p>Incremental revenue: <b>${interval(c.incrementalPerEmail, (n) => signedMoney(n, currency))}</b> per email, ${interval(c.incrementalTotal, (n) => signedMoney(n, currency))} in total</p>` : ''}
    ${c.reorderRateLift ? html`<p>Reorder-rate lift: ${interval(c.reorderRateLift, points)}</p>` : ''}
    <p data-figure="verdict"><b>${c.verdict}</b></p>`;
}
