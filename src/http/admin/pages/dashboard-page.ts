// GET /admin: the operator's view. The funnel, skips by reason, emails per day, what is due next,
// what failed, and an order search showing what `explain` shows, with "send now" and "cancel"
// forms (POST, CSRF token tied to the session) on a cross-sell that can still be changed.
import type { Stats } from '../../../stats/funnel.js';
import type { Explanation } from '../../../explain/explain-order.js';
import { html, type Html, type Renderable } from './html.js';
import { page } from './layout.js';
import { sentChart } from './sent-chart.js';
import { measureCard } from './measure-card.js';

export interface FoundCrossSell extends Explanation {
  id: string | null;
}

export interface DashboardView {
  stats: Stats;
  /** CSRF token for the forms ('' when signed in with a bearer token: no cookie to forge). */
  csrf: string;
  filter: { since?: string; store?: string };
  /** The store picker's choices (stores with data or settings). */
  stores?: string[];
  /** Which settings apply to the chosen store (config `stores`). */
  settings?: string;
  /** Stores whose emails lack the sender's postal address (config `store.address`). */
  missingAddress?: string[];
  search?: { orderId: string; found: FoundCrossSell[] };
  notice?: { text: string; bad?: boolean };
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–');

function when(iso: string | null | undefined): Renderable {
  if (!iso) return '–';
  const text = iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  return html`<time datetime="${iso}">${text}</time>`;
}

function orderLink(orderId: string, store: string): Html {
  return html`<a href="/admin?order=${encodeURIComponent(orderId)}&amp;store=${encodeURIComponent(store)}"
    >${orderId}</a
  >`;
}

function actionForms(id: string, status: string, csrf: string, back: string): Renderable {
  const form = (action: 'send-now' | 'cancel', label: string, cls: string) =>
    html`<form class="inline" method="post" action="/admin/cross-sells/${id}/${action}">
      <input type="hidden" name="_csrf" value="${csrf}" /><input type="hidden" name="back" value="${back}" />
      <button class="act ${cls}" type="submit" data-action="${action}">${label}</button>
    </form>`;
  if (status === 'scheduled') return [form('send-now', 'Send now', 'primary'), ' ', form('cancel', 'Cancel', 'danger')];
  if (status === 'waiting') return form('cancel', 'Cancel', 'danger');
  return '';
}

function funnel(s: Stats): Html {
  const steps: [string, number, string][] = [
    ['Received', s.received, 'orders from webhooks'],
    ['Scheduled', s.scheduled, `${pct(s.scheduled, s.received)} of received`],
    ['Sent', s.sent, `${pct(s.sent, s.scheduled)} of scheduled`],
    ['Clicked', s.clicked, `${pct(s.clicked, s.sent)} of sent`],
    ['Converted', s.converted, `${pct(s.converted, s.sent)} of sent`],
  ];
  const revenue = Object.entries(s.attributedRevenue);
  return html`<section class="card" aria-labelledby="funnel-h">
    <h2 id="funnel-h">Funnel</h2>
    <div class="funnel">
      ${steps.map(
        ([label, n, rate]) =>
          html`<div class="step" data-step="${label.toLowerCase()}">
            <div class="label">${label}</div>
            <div class="count">${n}</div>
            <div class="rate">${rate}</div>
            <div class="bar"><span style="width:${s.received ? Math.round((n / s.received) * 100) : 0}%"></span></div>
          </div>`,
      )}
    </div>
    <div class="aside">
      <span data-figure="revenue"
        >Attributed revenue (net of refunds; bought after an email, not all because of it):
        <b>${revenue.length ? revenue.map(([c, v]) => `${c} ${v}`).join(' · ') : 'none yet'}</b></span
      >
      <span>Waiting for trigger: <b>${s.waiting}</b></span>
      <span>Due, not yet sent: <b>${s.pending}</b></span>
      <span>Skipped: <b>${s.skippedTotal}</b></span>
      <span>Cancelled: <b>${s.cancelled}</b></span>
      <span>Failed: <b>${s.failed}</b></span>
      ${s.served ? html`<span>Orders covered by another order's email: <b>${s.served}</b></span>` : ''}
      ${s.heldOut ? html`<span>Held out (measurement group): <b>${s.heldOut}</b></span>` : ''}
    </div>
    ${s.offers ? offersAside(s.offers) : ''}
  </section>`;
}

/** Bundle codes beside the window figure: issued, redeemed, revenue through codes, pools left. */
function offersAside(o: NonNullable<Stats['offers']>): Html | string {
  const pools = Object.entries(o.poolLeft);
  if (o.codesIssued === 0 && o.withoutPanel === 0 && pools.length === 0) return '';
  const revenue = Object.entries(o.revenueThroughCodes);
  return html`<div class="aside" data-figure="offers">
    <span>Bundle codes issued: <b>${o.codesIssued}</b></span>
    <span>Redeemed: <b>${o.codesRedeemed}</b></span>
    <span
      >Revenue through codes:
      <b>${revenue.length ? revenue.map(([c, v]) => `${c} ${v}`).join(' · ') : 'none yet'}</b></span
    >
    ${
      o.withoutPanel
        ? html`<span
            >Sent without the bundle panel: <b>${o.withoutPanel}</b> (${Object.entries(o.withoutPanelReasons)
              .map(([r, n]) => `${r} ${n}`)
              .join(', ')})</span
          >`
        : ''
    }
    ${pools.map(([store, n]) => html`<span class="${n < 100 ? 'bad' : ''}" data-pool="${store}">Codes left in ${store}'s pool: <b>${n}</b>${n < 100 ? ' — below 100, import more' : ''}</span>`)}
  </div>`;
}

function skipTable(s: Stats): Html {
  const rows = Object.entries(s.skipped);
  const others = [
    ...Object.entries(s.cancelledReasons).map(([r, n]) => ['cancelled', r, n] as const),
    ...Object.entries(s.failedReasons).map(([r, n]) => ['failed', r, n] as const),
  ];
  return html`<section class="card" aria-labelledby="skips-h">
    <h2 id="skips-h">Skipped, by reason</h2>
    ${
      rows.length
        ? html`<table>
            <thead>
              <tr>
                <th>Reason</th>
                <th class="num">Count</th>
                <th class="num">Share</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                ([reason, n]) =>
                  html`<tr data-reason="${reason}">
                    <td><code>${reason}</code></td>
                    <td class="num">${n}</td>
                    <td class="num">${pct(n, s.skippedTotal)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="empty">Nothing skipped.</p>`
    }
    ${
      others.length
        ? html`<h2 style="margin-top:16px">Cancelled and failed</h2>
            <table>
              <tbody>
                ${others.map(
                  ([status, reason, n]) =>
                    html`<tr>
                      <td><span class="badge ${status}">${status}</span> <code>${reason}</code></td>
                      <td class="num">${n}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
  </section>`;
}

function upcomingTable(s: Stats, csrf: string): Html {
  return html`<section class="card" aria-labelledby="upcoming-h">
    <h2 id="upcoming-h">Upcoming sends</h2>
    ${
      s.upcoming.length
        ? html`<table>
            <thead>
              <tr>
                <th>Due</th>
                <th>Store</th>
                <th>Order</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${s.upcoming.map(
                (u) =>
                  html`<tr>
                    <td>${when(u.dueAt)}</td>
                    <td>${u.store}</td>
                    <td>${orderLink(u.orderId, u.store)}</td>
                    <td>${actionForms(u.id, 'scheduled', csrf, '/admin')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="empty">Nothing scheduled.</p>`
    }
  </section>`;
}

function failuresTable(s: Stats): Html {
  return html`<section class="card" aria-labelledby="failures-h">
    <h2 id="failures-h">Recent failures</h2>
    ${
      s.recentFailures.length
        ? html`<table>
            <thead>
              <tr>
                <th>When</th>
                <th>Store</th>
                <th>Order</th>
                <th>Reason</th>
                <th class="num">Attempts</th>
                <th>Server said</th>
              </tr>
            </thead>
            <tbody>
              ${s.recentFailures.map(
                (f) =>
                  html`<tr>
                    <td>${when(f.at)}</td>
                    <td>${f.store}</td>
                    <td>${orderLink(f.orderId, f.store)}</td>
                    <td><code>${f.reason}</code></td>
                    <td class="num">${f.attempts}</td>
                    <td>${f.reply ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="empty">No failures.</p>`
    }
  </section>`;
}

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function explanation(e: FoundCrossSell, csrf: string): Html {
  const back = `/admin?order=${encodeURIComponent(e.orderId)}&store=${encodeURIComponent(e.store)}`;
  const changeable = e.id && (e.status === 'scheduled' || e.status === 'waiting');
  return html`<article class="explain" data-store="${e.store}" data-order="${e.orderId}">
    <h3 style="margin:6px 0 10px">
      ${e.store}
      <span class="badge ${e.status}" data-status="${e.status}">${e.status}</span
      >${e.reason ? html` <code data-reason="${e.reason}">${e.reason}</code>` : ''}
    </h3>
    ${e.summary ? html`<p class="summary">${e.summary}</p>` : ''} ${decisionFacts(e)}
    ${e.items.length ? itemsTable(e.items) : ''} ${figuresList(Object.entries(e.figures ?? {}))}
    ${changeable ? html`<p>${actionForms(e.id!, e.status, csrf, back)}</p>` : ''}
  </article>`;
}

/** A term and its description, or nothing when there is nothing to say. */
function fact(term: string, description: Renderable): Renderable {
  return description
    ? html`<dt>${term}</dt>
        <dd>${description}</dd>`
    : '';
}

/** When and why: settings, due time, trigger, rule, adjustments, who served it, the send and SMTP. */
function decisionFacts(e: FoundCrossSell): Html {
  return html`<dl class="facts">
    ${fact('Settings', e.settings)}
    <dt>Due</dt>
    <dd>${when(e.dueAt)}${e.timezone ? ` (customer zone ${e.timezone})` : ''}</dd>
    ${fact('Trigger', e.trigger && `after ${e.trigger}`)}
    ${fact('Timing rule', !!e.rule && html`<code>${json(e.rule)}</code>`)}
    ${fact('Adjusted', e.adjustments.length > 0 && html`<code>${json(e.adjustments)}</code>`)}
    ${fact('Served by', e.servedBy && html`the email of order ${orderLink(e.servedBy, e.store)}`)}
    ${fact('Sent', e.sentAt && html`${when(e.sentAt)} <code>${e.messageId ?? ''}</code>`)}
    ${fact('SMTP', e.lastReply && html`attempt ${e.attempts}: ${e.lastReply}`)}
  </dl>`;
}

/** The picked items in order, with source, score and reason. */
function itemsTable(items: FoundCrossSell['items']): Html {
  return html`<table>
    <thead>
      <tr>
        <th>#</th>
        <th>Item</th>
        <th>Source</th>
        <th class="num">Score</th>
        <th>Why</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (i, n) =>
          html`<tr>
            <td>${n + 1}</td>
            <td>${i.title} <code>${i.productId}</code></td>
            <td>${i.source}</td>
            <td class="num">${Number(i.score).toFixed(3)}</td>
            <td>${i.reason}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The eligibility figures the decision was made on, if any were recorded. */
function figuresList(figures: [string, unknown][]): Renderable {
  return figures.length
    ? html`<p style="margin:10px 0 0"><b>Eligibility figures</b></p>
        <dl class="facts">
          ${figures.map(
            ([k, v]) =>
              html`<dt>${k}</dt>
                <dd>${json(v)}</dd>`,
          )}
        </dl>`
    : '';
}

function searchResults(search: NonNullable<DashboardView['search']>, csrf: string): Html {
  return html`<section class="card" id="order" aria-labelledby="order-h">
    <h2 id="order-h">Order ${search.orderId}</h2>
    ${search.found.length ? search.found.map((e) => explanation(e, csrf)) : html`<p class="empty">No cross-sell for order <code>${search.orderId}</code>.</p>`}
  </section>`;
}

/** All stores, or one: every store with data or settings, and the current filter even if unknown. */
function storePicker(v: DashboardView): Html {
  const stores = [...new Set([...(v.stores ?? []), ...(v.filter.store ? [v.filter.store] : [])])].sort();
  return html`<select id="store" name="store">
    <option value="">all</option>
    ${stores.map(
      (store) => html`<option value="${store}"${v.filter.store === store ? html` selected` : ''}>${store}</option>`,
    )}
  </select>`;
}

export function dashboardPage(v: DashboardView): string {
  const { stats: s } = v;
  return page({
    title: 'Dashboard',
    nav: navBar(v.csrf),
    body: html`${v.notice ? html`<p class="notice${v.notice.bad ? ' bad' : ''}" role="status">${v.notice.text}</p>` : ''}
      ${filterCard(v)}
      ${v.missingAddress?.length ? html`<p class="notice bad" role="status" id="missing-address">No postal address (<code>store.address</code>) for ${v.missingAddress.join(', ')}: commercial email must carry the sender's address.</p>` : ''}
      ${v.search ? searchResults(v.search, v.csrf) : ''} ${funnel(s)} ${measureCard(s.measure)}
      <div class="grid">
        <section class="card" aria-labelledby="chart-h">
          <h2 id="chart-h">
            Emails sent per day <span class="empty" style="font-weight:400;font-size:13px">(UTC)</span>
          </h2>
          ${sentChart(s.sentPerDay)}
        </section>
        ${skipTable(s)}
      </div>
      <div class="grid" style="margin-top:20px">${upcomingTable(s, v.csrf)} ${failuresTable(s)}</div>`,
  });
}

function navBar(csrf: string): Html {
  return html`<nav>
    <a href="/admin">Dashboard</a><a href="/admin/queues">Queue</a>
    <form method="post" action="/admin/logout">
      <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">Sign out</button>
    </form>
  </nav>`;
}

/** The order search, the since/store filter, and what the figures below cover. */
function filterCard(v: DashboardView): Html {
  const { stats: s } = v;
  const scope = `${s.since ? `Orders since ${s.since.slice(0, 10)}` : 'All orders'}${s.store ? ` in ${s.store}` : ''}`;
  return html`<section class="card">
    <div style="display:flex;gap:24px;flex-wrap:wrap;justify-content:space-between;align-items:center">
      <form class="search" method="get" action="/admin" role="search">
        <label for="order-q">Order</label
        ><input
          type="search"
          id="order-q"
          name="order"
          placeholder="Order id"
          value="${v.search?.orderId ?? ''}"
          required
        />
        ${v.filter.store ? html`<input type="hidden" name="store" value="${v.filter.store}" />` : ''}
        <button type="submit">Explain</button>
      </form>
      <form class="search" method="get" action="/admin">
        <label for="since">Since</label><input type="date" id="since" name="since" value="${v.filter.since ?? ''}" />
        <label for="store">Store</label>${storePicker(v)} <button type="submit">Apply</button>
      </form>
    </div>
    <p class="empty" style="margin-top:8px">
      ${scope} · generated ${when(s.generatedAt)}${v.settings ? html` · settings: ${v.settings}` : ''}
    </p>
  </section>`;
}
