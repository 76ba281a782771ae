// loadCustomerFigures against real Postgres: a customer's history built with SQL inserts, every
// figure asserted, with the lookback windows and per-store vs global suppression.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { loadCustomerFigures } from '../../src/eligibility/figures.js';
import { parseConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { customerKey, emailHash } from '../../src/domain/customer-key.js';
import { missing } from '../support/services.js';
import { migratedPool } from '../import/support.js';

const skip = missing('postgres');
const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');
const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY - ms);

const ANN = 'ann@example.com';
const ann = customerKey({ email: ANN })!;

const config = (over: { returns?: string; service?: string; cap?: string; global?: boolean } = {}) =>
  parseConfig({
    eligibility: {
      returns: { lookback: over.returns ?? '365d' },
      service: { lookback: over.service ?? '180d' },
      globalSuppression: over.global ?? false,
    },
    timing: { frequencyCap: { max: 1, per: over.cap ?? '14d' } },
  } satisfies ConfigInput);

describe.skipIf(skip)('loadCustomerFigures', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;

  const customer = (store: string, key: string, email: string | null, consent: boolean | null) =>
    pool.query(`INSERT INTO customers (store, customer_key, email, marketing_consent) VALUES ($1, $2, $3, $4)`, [
      store,
      key,
      email,
      consent,
    ]);
  const order = (
    store: string,
    id: string,
    key: string | null,
    at: Date,
    lines: [string, number, string, number?, string?][],
    history = false,
  ) =>
    pool.query(
      `WITH o AS (INSERT INTO orders (store, order_id, customer_key, created_at, currency, from_history) VALUES ($1, $2, $3, $4, 'USD', $6))
       INSERT INTO order_lines (store, order_id, line_no, product_id, title, quantity, unit_price, returned_quantity, returned_amount)
       SELECT $1, $2, n, p, p, q, u, rq, ra FROM jsonb_to_recordset($5::jsonb) AS l(n int, p text, q int, u numeric, rq int, ra numeric)`,
      [
        store,
        id,
        key,
        at,
        JSON.stringify(lines.map(([p, q, u, rq, ra], i) => ({ n: i + 1, p, q, u, rq: rq ?? 0, ra: ra ?? '0' }))),
        history,
      ],
    );
  const ticket = (store: string, id: string, key: string, opened: Date | null, closed: Date | null) =>
    pool.query(
      `INSERT INTO tickets (store, ticket_id, customer_key, opened_at, closed_at) VALUES ($1, $2, $3, $4, $5)`,
      [store, id, key, opened, closed],
    );
  const crossSell = (
    store: string,
    orderId: string,
    key: string,
    status: string,
    sentAt: Date | null,
    messageId: string | null,
  ) =>
    pool.query(
      `INSERT INTO cross_sells (store, order_id, customer_key, status, sent_at, message_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [store, orderId, key, status, sentAt, messageId],
    );
  const suppress = (store: string, email: string, reason: string) =>
    pool.query(`INSERT INTO suppressions (store, email_hash, email, reason) VALUES ($1, $2, $3, $4)`, [
      store,
      emailHash(email),
      email,
      reason,
    ]);

  const figures = (store: string, key: string | null, email: string | null, cfg = config(), at = now) =>
    loadCustomerFigures(pool, {
      store,
      customerKey: key,
      emailHash: email ? emailHash(email) : null,
      now: at,
      config: cfg,
    });

  beforeAll(async () => {
    db = await migratedPool(2);
    pool = db.pool;
    await customer('s1', ann, ANN, true);
    // Bought within a year: 7 units for 81.00, one of them returned on its line (10.00).
    await order('s1', 'O1', ann, ago(10), [
      ['P1', 2, '10.00', 1, '10.00'],
      ['P2', 1, '5.00'],
    ]);
    await order('s1', 'O2', ann, ago(100), [['P3', 3, '2.00']]);
    await order('s1', 'O3', ann, ago(200), [['P4', 1, '50.00']]);
    // An imported return (Online Retail C invoice): 2 units back, not an order of its own.
    await order('s1', 'C1', ann, ago(50), [['P3', -2, '2.00']], true);
    // Outside the one-year lookback.
    await order('s1', 'O4', ann, ago(400), [['P5', 10, '1.00', 10, '10.00']]);
    // Someone else, and Ann in another store.
    await order('s1', 'X1', 'e-other', ago(5), [['P1', 1, '10.00', 1, '10.00']]);
    await order('s2', 'O1', ann, ago(5), [['P1', 4, '10.00', 4, '40.00']]);

    await ticket('s1', 'T1', ann, ago(5), null); // open
    await ticket('s1', 'T2', ann, ago(30), ago(29)); // closed
    await ticket('s1', 'T3', ann, ago(200), ago(199)); // before the service lookback
    await ticket('s1', 'T4', ann, ago(300), null); // old but still open
    await ticket('s1', 'T5', ann, null, ago(10)); // only its closing was seen
    await ticket('s1', 'T6', ann, ago(2), ago(3)); // reopened after it was closed
    await ticket('s1', 'T7', 'e-other', ago(1), null);
    await ticket('s2', 'T8', ann, ago(1), null);

    await crossSell('s1', 'O1', ann, 'sent', ago(3), 'm1');
    await crossSell('s1', 'O2', ann, 'sent', ago(3), 'm1'); // one email that covered two orders
    await crossSell('s1', 'O3', ann, 'sent', ago(20), 'm0'); // before the cap window
    await crossSell('s1', 'C1', ann, 'scheduled', null, null);
    await crossSell('s1', 'O9', ann, 'sent', ago(1), null); // no message id: counted by row
    await crossSell('s1', 'O8', ann, 'failed', null, null);
    await crossSell('s2', 'O1', ann, 'sent', ago(1), 'm2');
  });
  afterAll(async () => db?.close());

  it('every figure of a customer with orders, returns, tickets and sent emails', async () => {
    expect(await figures('s1', ann, ANN)).toEqual({
      hasEmail: true,
      marketingConsent: true,
      suppression: null,
      orders: 3, // O1, O2, O3; the return-only C1 is not an order bought
      unitsBought: 7,
      unitsReturned: 3, // 1 on O1's line + 2 on C1's negative line
      valueBought: '81.00',
      valueReturned: '14.00',
      returnRate: 3 / 7,
      serviceOrders: 2, // O1 and O2 within 180 days; the return-only C1 bought nothing
      ticketsOpened: 4, // T1, T2, T5 (by its closing), T6
      openTickets: 3, // T1, T4 (whatever its age), T6
      ticketsPerOrder: 4 / 2,
      recentEmails: 2, // m1 once, O9 by row
    });
  });

  it('the lookback windows: returns, service and the frequency cap each have their own', async () => {
    const f = await figures('s1', ann, ANN, config({ returns: '30d', service: '7d', cap: '2d' }));
    expect(f).toMatchObject({
      orders: 1,
      unitsBought: 3,
      unitsReturned: 1,
      valueBought: '25.00',
      valueReturned: '10.00',
      returnRate: 1 / 3,
      serviceOrders: 0,
      ticketsOpened: 2,
      openTickets: 3,
      recentEmails: 1,
    });
    // No order in the service window: tickets per order is the ticket count.
    expect(f.ticketsPerOrder).toBe(2);
    const wide = await figures('s1', ann, ANN, config({ returns: '1000d', service: '1000d', cap: '1000d' }));
    expect(wide).toMatchObject({
      orders: 4,
      unitsBought: 17,
      unitsReturned: 13,
      valueBought: '91.00',
      valueReturned: '24.00',
      serviceOrders: 4,
      ticketsOpened: 6,
      recentEmails: 3,
    });
  });

  it('a lookback includes an order exactly at its edge and not one a second older', async () => {
    await order('s3', 'E1', 'c-edge', ago(30), [['P1', 1, '1.00']]);
    await order('s3', 'E2', 'c-edge', ago(30, 1000), [['P1', 1, '1.00']]);
    const f = await figures('s3', 'c-edge', null, config({ returns: '30d', service: '30d' }));
    expect(f).toMatchObject({ orders: 1, unitsBought: 1, serviceOrders: 1 });
  });

  it('a customer the record does not know: no email, no consent, zeros', async () => {
    expect(await figures('s1', 'e-nobody', 'nobody@example.com')).toEqual({
      hasEmail: false,
      marketingConsent: null,
      suppression: null,
      orders: 0,
      unitsBought: 0,
      unitsReturned: 0,
      valueBought: '0.00',
      valueReturned: '0.00',
      returnRate: 0,
      serviceOrders: 0,
      ticketsOpened: 0,
      openTickets: 0,
      ticketsPerOrder: 0,
      recentEmails: 0,
    });
    expect(await figures('s1', null, null)).toMatchObject({ hasEmail: false, orders: 0 });
  });

  it('consent as recorded: false and unknown stay apart', async () => {
    await customer('s1', 'e-no', 'no@example.com', false);
    await customer('s1', 'e-unknown', 'unknown@example.com', null);
    expect(await figures('s1', 'e-no', 'no@example.com')).toMatchObject({ hasEmail: true, marketingConsent: false });
    expect(await figures('s1', 'e-unknown', 'unknown@example.com')).toMatchObject({
      hasEmail: true,
      marketingConsent: null,
    });
  });

  describe('suppression', () => {
    it("per store: another store's suppression does not apply unless globalSuppression", async () => {
      await suppress('s2', 'bea@example.com', 'unsubscribed');
      expect((await figures('s1', null, 'bea@example.com')).suppression).toBeNull();
      expect((await figures('s2', null, 'bea@example.com')).suppression).toBe('unsubscribed');
      expect((await figures('s1', null, 'bea@example.com', config({ global: true }))).suppression).toBe('unsubscribed');
    });

    it("store '*' suppresses everywhere", async () => {
      await suppress('*', 'cy@example.com', 'complained');
      expect((await figures('s1', null, 'cy@example.com')).suppression).toBe('complained');
      expect((await figures('s9', null, 'cy@example.com')).suppression).toBe('complained');
    });

    it("this store's own suppression, by reason; unsubscribed wins over a bounce", async () => {
      await suppress('s1', 'dee@example.com', 'bounced');
      await suppress('s1', 'eve@example.com', 'manual');
      expect((await figures('s1', null, 'dee@example.com')).suppression).toBe('bounced');
      expect((await figures('s1', null, 'eve@example.com')).suppression).toBe('manual');
      await suppress('*', 'dee@example.com', 'unsubscribed');
      expect((await figures('s1', null, 'dee@example.com')).suppression).toBe('unsubscribed');
    });

    it('keyed by the address hash, whatever its case or spaces', async () => {
      await suppress('s1', 'Fay@Example.com ', 'bounced');
      expect((await figures('s1', null, 'fay@example.com')).suppression).toBe('bounced');
    });
  });
});
