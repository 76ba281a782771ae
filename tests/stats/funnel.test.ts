// The funnel on a fresh PostgreSQL database seeded with cross-sells in every state: exact
// counts, skip reasons, revenue per currency as exact decimals, --since and store filters,
// the per-day chart, and `aftercart stats` (JSON and the terminal table).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { freshDatabase, missing } from '../support/services.js';
import { migrate } from '../../src/db/migrate.js';
import { loadStats, chartRange } from '../../src/stats/funnel.js';
import { formatFunnel } from '../../src/stats/format-funnel.js';
import { parseSince } from '../../src/stats/since.js';
import { run as statsCommand } from '../../src/cli/stats.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const NEW = '2026-11-10T09:00:00Z';
const OLD = '2026-10-01T09:00:00Z';

interface Row {
  order: string;
  store?: string;
  created?: string;
  currency?: string;
  history?: boolean;
  status?: string;
  reason?: string;
  due?: string;
  sentAt?: string;
  servedBy?: string;
  updatedAt?: string;
  clicks?: number;
  conversions?: { revenue: string; currency: string | null }[];
}

// Every state the funnel tells apart; comments give the bucket each row lands in.
const rows: Row[] = [
  {
    order: 'A1',
    status: 'sent',
    due: '2026-11-15T10:00:00Z',
    sentAt: '2026-11-15T10:00:00Z',
    clicks: 2,
    conversions: [
      { revenue: '0.10', currency: 'USD' },
      { revenue: '0.20', currency: 'USD' },
    ],
  },
  { order: 'A2', status: 'sent', due: '2026-11-15T20:00:00Z', sentAt: '2026-11-15T20:00:00Z', clicks: 1 },
  // No currency on the conversion: the order's currency is used.
  {
    order: 'A3',
    currency: 'EUR',
    status: 'sent',
    due: '2026-11-17T08:00:00Z',
    sentAt: '2026-11-17T08:00:00Z',
    conversions: [{ revenue: '10.50', currency: null }],
  },
  { order: 'A4', status: 'sent', sentAt: '2026-11-15T10:00:00Z', servedBy: 'A1' }, // served by A1's email
  { order: 'A5', status: 'scheduled', due: '2026-11-25T10:00:00Z' },
  { order: 'A17', status: 'scheduled', due: '2026-11-22T10:00:00Z' },
  { order: 'A6', status: 'waiting' },
  { order: 'A7', status: 'skipped', reason: 'no_consent', due: '2026-11-12T10:00:00Z' }, // skipped at send time
  { order: 'A8', status: 'skipped', reason: 'no_consent', due: '2026-11-12T11:00:00Z' },
  { order: 'A9', status: 'skipped', reason: 'rule_skip' }, // stopped at ingest: never scheduled
  { order: 'A10', status: 'cancelled', reason: 'order_cancelled' },
  { order: 'A11', status: 'cancelled', reason: 'cancelled', due: '2026-11-30T10:00:00Z' },
  {
    order: 'A12',
    status: 'failed',
    reason: 'smtp_rejected',
    due: '2026-11-18T10:00:00Z',
    updatedAt: '2026-11-18T10:00:05Z',
  },
  { order: 'A13', status: 'sending', due: '2026-11-20T11:59:00Z' },
  { order: 'A16' }, // an order event without lines: received, no cross-sell
  {
    order: 'A14',
    created: OLD,
    status: 'sent',
    due: '2026-10-02T10:00:00Z',
    sentAt: '2026-10-02T10:00:00Z',
    conversions: [{ revenue: '100.00', currency: 'USD' }],
  },
  { order: 'A15', created: OLD, status: 'skipped', reason: 'frequency_cap', due: '2026-10-03T10:00:00Z' },
  { order: 'H1', history: true }, // imported history never counts
  {
    order: 'B1',
    store: 'other',
    currency: 'GBP',
    status: 'sent',
    due: '2026-11-16T10:00:00Z',
    sentAt: '2026-11-16T10:00:00Z',
    conversions: [{ revenue: '5.00', currency: 'GBP' }],
  },
];

async function seed(pool: pg.Pool): Promise<void> {
  const ids = new Map<string, string>();
  for (const r of rows) {
    const store = r.store ?? 'demo';
    await pool.query(
      `INSERT INTO orders (store, order_id, customer_key, created_at, currency, from_history) VALUES ($1, $2, $3, $4, $5, $6)`,
      [store, r.order, `c-${r.order}`, r.created ?? NEW, r.currency ?? 'USD', r.history ?? false],
    );
    if (!r.status) continue;
    const {
      rows: [x],
    } = await pool.query(
      `INSERT INTO cross_sells (store, order_id, customer_key, status, reason, due_at, sent_at, served_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now())) RETURNING id::text`,
      [
        store,
        r.order,
        `c-${r.order}`,
        r.status,
        r.reason ?? null,
        r.due ?? null,
        r.sentAt ?? null,
        r.servedBy ? ids.get(r.servedBy) : null,
        r.updatedAt ?? null,
      ],
    );
    ids.set(r.order, x.id);
    for (let i = 0; i < (r.clicks ?? 0); i++)
      await pool.query(`INSERT INTO clicks (cross_sell_id, product_id) VALUES ($1, 'P2')`, [x.id]);
    for (const [i, c] of (r.conversions ?? []).entries()) {
      await pool.query(
        `INSERT INTO conversions (cross_sell_id, store, order_id, revenue, currency, converted_at) VALUES ($1, $2, $3, $4, $5, now())`,
        [x.id, store, `${r.order}-next-${i}`, c.revenue, c.currency],
      );
    }
  }
}

const skip = missing('postgres');

describe.skipIf(skip)('stats funnel on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await freshDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await migrate(pool);
    await seed(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('counts every stage of all orders exactly, with skip reasons sorted and revenue as exact decimals', async () => {
    const s = await loadStats(pool, { now: NOW });
    expect(s).toMatchObject({
      since: null,
      store: null,
      received: 18,
      scheduled: 13,
      waiting: 1,
      pending: 3,
      sent: 5,
      served: 1,
      failed: 1,
      cancelled: 2,
      skippedTotal: 4,
      clicked: 2,
      converted: 4,
      cancelledReasons: { cancelled: 1, order_cancelled: 1 },
      failedReasons: { smtp_rejected: 1 },
    });
    expect(s.skipped).toEqual({ no_consent: 2, frequency_cap: 1, rule_skip: 1 });
    expect(Object.keys(s.skipped)).toEqual(['no_consent', 'frequency_cap', 'rule_skip']);
    // 0.10 + 0.20 + 100.00 summed as numeric: exactly "100.30", never 100.30000000000001.
    expect(s.attributedRevenue).toEqual({ EUR: '10.50', GBP: '5.00', USD: '100.30' });
    expect(s.upcoming.map((u) => u.orderId)).toEqual(['A17', 'A5']);
    expect(s.upcoming[0]).toMatchObject({ store: 'demo', dueAt: '2026-11-22T10:00:00.000Z' });
    expect(s.upcoming[0]!.id).toMatch(/^\d+$/);
    expect(s.recentFailures).toEqual([
      expect.objectContaining({
        store: 'demo',
        orderId: 'A12',
        reason: 'smtp_rejected',
        at: '2026-11-18T10:00:05.000Z',
      }),
    ]);
  });

  it('--since keeps the cohort of orders placed since that day', async () => {
    const s = await loadStats(pool, { since: parseSince('2026-11-01'), now: NOW });
    expect(s).toMatchObject({
      since: '2026-11-01T00:00:00.000Z',
      received: 16,
      scheduled: 11,
      waiting: 1,
      pending: 3,
      sent: 4,
      served: 1,
      failed: 1,
      cancelled: 2,
      skippedTotal: 3,
      clicked: 2,
      converted: 3,
    });
    expect(s.skipped).toEqual({ no_consent: 2, rule_skip: 1 });
    expect(s.attributedRevenue).toEqual({ EUR: '10.50', GBP: '5.00', USD: '0.30' });
    // A later since than any order or failure: an empty funnel, not an error.
    const none = await loadStats(pool, { since: parseSince('2026-11-19'), now: NOW });
    expect(none).toMatchObject({
      received: 0,
      scheduled: 0,
      sent: 0,
      skipped: {},
      attributedRevenue: {},
      recentFailures: [],
    });
  });

  it('filters by store', async () => {
    const s = await loadStats(pool, { store: 'other', now: NOW });
    expect(s).toMatchObject({
      store: 'other',
      received: 1,
      scheduled: 1,
      sent: 1,
      clicked: 0,
      converted: 1,
      skipped: {},
      attributedRevenue: { GBP: '5.00' },
      upcoming: [],
    });
  });

  it('emails per UTC day, zero-filled, without orders served by another email', async () => {
    const s = await loadStats(pool, { since: parseSince('2026-11-14'), now: NOW });
    expect(s.sentPerDay).toEqual([
      { day: '2026-11-14', count: 0 },
      { day: '2026-11-15', count: 2 },
      { day: '2026-11-16', count: 1 },
      { day: '2026-11-17', count: 1 },
      { day: '2026-11-18', count: 0 },
      { day: '2026-11-19', count: 0 },
      { day: '2026-11-20', count: 0 },
    ]);
    const all = await loadStats(pool, { now: NOW });
    expect(all.sentPerDay).toHaveLength(30);
    expect(all.sentPerDay[0]!.day).toBe('2026-10-22');
    expect(all.sentPerDay.reduce((n, d) => n + d.count, 0)).toBe(4); // A14 (Oct 2) is before the chart
    expect((await loadStats(pool, { since: parseSince('2020-01-01'), now: NOW })).sentPerDay).toHaveLength(366);
  });

  it('`aftercart stats --json` prints one JSON document; without --json a readable funnel', async () => {
    const env = { DATABASE_URL: process.env.DATABASE_URL };
    process.env.DATABASE_URL = db.url;
    const out: string[] = [];
    const spy = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    try {
      expect(await statsCommand(['--json', '--since', '2026-11-01'])).toBe(0);
      const doc = JSON.parse(out.join(''));
      expect(doc).toMatchObject({ received: 16, sent: 4, converted: 3, attributedRevenue: { USD: '0.30' } });
      out.length = 0;
      expect(await statsCommand([])).toBe(0);
      const text = out.join('');
      expect(text).toMatch(/received\s+18/);
      expect(text).toMatch(/scheduled\s+13\s+72\.2% of received/);
      expect(text).toMatch(/no_consent\s+2/);
      expect(text.indexOf('no_consent')).toBeLessThan(text.indexOf('frequency_cap'));
      expect(text).toContain('USD 100.30');
    } finally {
      spy.mockRestore();
      if (env.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = env.DATABASE_URL;
    }
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await statsCommand(['--since', '2026-13-45'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});

describe('stats helpers', () => {
  it('parses --since as a UTC day or an ISO time, and refuses anything else', () => {
    expect(parseSince('2026-11-01')?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('2026-11-01T10:30:00Z')?.toISOString()).toBe('2026-11-01T10:30:00.000Z');
    expect(parseSince(undefined)).toBeUndefined();
    expect(parseSince('')).toBeUndefined();
    for (const bad of ['yesterday', '2026-02-31', '11/01/2026', '2026-13-01'])
      expect(() => parseSince(bad)).toThrow(/invalid date/);
  });

  it('the chart covers 30 days by default and at most 366', () => {
    expect(chartRange(NOW)).toEqual({ from: new Date('2026-10-22T00:00:00Z'), to: new Date('2026-11-20T00:00:00Z') });
    expect(chartRange(NOW, new Date('2026-11-20T18:00:00Z')).from).toEqual(new Date('2026-11-20T00:00:00Z'));
    expect(chartRange(NOW, new Date('2030-01-01T00:00:00Z')).from).toEqual(new Date('2026-11-20T00:00:00Z'));
  });

  it('formats percentages of the previous step and never divides by zero', () => {
    const empty = formatFunnel({
      since: null,
      store: null,
      generatedAt: NOW.toISOString(),
      received: 0,
      scheduled: 0,
      waiting: 0,
      pending: 0,
      sent: 0,
      served: 0,
      failed: 0,
      cancelled: 0,
      skippedTotal: 0,
      skipped: {},
      cancelledReasons: {},
      failedReasons: {},
      clicked: 0,
      converted: 0,
      attributedRevenue: {},
      sentPerDay: [],
      upcoming: [],
      recentFailures: [],
      heldOut: 0,
      measure: {
        window: '30d',
        periods: [],
        method: { revenue: 'welch', reorderRate: 'newcombe-hybrid-score', confidence: 0.95 },
        byCurrency: {},
      },
    });
    expect(empty).toContain('all orders');
    expect(empty).not.toMatch(/NaN|Infinity/);
    expect(empty).toContain('none yet');
  });
});
