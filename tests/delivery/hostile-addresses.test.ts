// Customer addresses that are not one plain local@domain (issue 14), end to end: through the
// real Shopify webhook route, the worker and an SMTP sink, such an order is recorded (200) and
// its cross-sell skipped as invalid_email, with nothing sent to anyone; suppressions and
// unsubscribes match the address as it is sent to, however the order spelled it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { fixtureText, postShopifyRaw } from '../ingest/routes/support.js';
import { adminFor, bearer, type AdminServer } from '../admin/support.js';
import { crossSellOf, orderEvent, settled, startStore, type CrossSellRow } from './support.js';
import { customerKey } from '../../src/domain/customer-key.js';

const SHOP = 'demo.myshopify.com';
const FINAL = ['sent', 'skipped', 'failed', 'cancelled'];

/** The published order as a live one (paid, placed now) with `email` in all three address fields. */
function shopifyOrder(id: number, email: string): string {
  const order = JSON.parse(fixtureText('shopify-orders-create.json')) as Record<string, unknown>;
  return JSON.stringify({
    ...order,
    id,
    email,
    contact_email: email,
    customer: { ...(order.customer as object), email },
    cancelled_at: null,
    cancel_reason: null,
    financial_status: 'paid',
    created_at: new Date().toISOString(),
  });
}

const hostile: [string, string][] = [
  ['a list', 'a@x.example, victim@y.example'],
  ['a semicolon list', 'a@x.example; victim@y.example'],
  ['a display name of a suppressed address', 'Victim <victim@y.example>'],
  ['RFC 5322 group syntax', 'group: a@x.example, victim@y.example;'],
  ['a CR/LF header injection', 'a@x.example\r\nBcc: victim@y.example'],
];

describe.skipIf(missing('postgres', 'redis'))('hostile customer addresses (webhook route + worker + SMTP)', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  let admin: AdminServer;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startStore(smtp.url);
    admin = await adminFor(app);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await smtp?.close();
  });

  const suppress = (store: string, email: string) =>
    fetch(`${admin.base}/admin/api/suppressions`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ store, email }),
    });
  const finalIn = (store: string, orderId: string) =>
    until(async () => {
      const row = await crossSellOf(app, orderId, store);
      return row && FINAL.includes(row.status) ? row : undefined;
    });
  const storedCustomer = async (store: string, orderId: string) =>
    (
      await app.db.pool.query<{ email: string | null; customer_key: string }>(
        `SELECT c.email, c.customer_key FROM orders o JOIN customers c ON c.store = o.store AND c.customer_key = o.customer_key
        WHERE o.store = $1 AND o.order_id = $2`,
        [store, orderId],
      )
    ).rows[0];
  const recipients = () => smtp.envelopes.flatMap((e) => e.rcptTo.map((r) => r.toLowerCase()));

  it('records a Shopify order whose address is no single address, skips it as invalid_email and emails nobody', async () => {
    expect((await suppress(SHOP, 'victim@y.example')).status).toBe(201);
    const ids = hostile.map((_, i) => 820982911946000 + i);
    for (const [i, [what, email]] of hostile.entries()) {
      const answer = await postShopifyRaw(app, 'orders/create', shopifyOrder(ids[i]!, email), { shop: SHOP });
      expect(answer.status, what).toBe(200);
    }
    for (const [i, [what, email]] of hostile.entries()) {
      const row: CrossSellRow = await finalIn(SHOP, String(ids[i]));
      expect({ what, status: row.status, reason: row.reason }).toEqual({
        what,
        status: 'skipped',
        reason: 'invalid_email',
      });
      // Kept as given (so the skip says why), never as an address nor under one's key.
      expect(await storedCustomer(SHOP, String(ids[i]))).toMatchObject({ email });
      expect((await storedCustomer(SHOP, String(ids[i])))!.customer_key).not.toBe(
        customerKey({ email: 'victim@y.example' }),
      );
    }
    expect(recipients().filter((r) => /x\.example|y\.example/.test(r))).toEqual([]);
    expect(smtp.messages.filter((m) => /x\.example|y\.example/i.test(JSON.stringify([m.to, m.cc, m.bcc])))).toEqual([]);
  });

  it("keeps and keys a Shopify order's untidy but single address in its normalised form", async () => {
    const id = 820982911946100;
    expect(
      (await postShopifyRaw(app, 'orders/create', shopifyOrder(id, ' Jon@Example.COM '), { shop: SHOP })).status,
    ).toBe(200);
    expect(await storedCustomer(SHOP, String(id))).toEqual({
      email: 'Jon@example.com',
      customer_key: customerKey({ email: 'jon@example.com' }),
    });
    expect((await finalIn(SHOP, String(id))).reason).not.toBe('invalid_email');
  });

  it('a suppression of victim@y.example stops an order to " Victim@Y.EXAMPLE "; an unsuppressed one is sent to the normalised address', async () => {
    for (const email of ['Victim<victim@y.example>', 'a@x.example,victim@y.example', 'group:victim@y.example;']) {
      expect((await suppress('demo', email)).status, email).toBe(400);
    }
    expect((await suppress('demo', 'victim@y.example')).status).toBe(201);
    expect((await app.postEvent(orderEvent('SUP-1', { email: ' Victim@Y.EXAMPLE ' }))).status).toBe(200);
    expect((await app.postEvent(orderEvent('SUP-2', { email: ' Ann.Other@Y.EXAMPLE ' }))).status).toBe(200);
    expect(await settled(app, 'SUP-1')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(await settled(app, 'SUP-2')).toMatchObject({ status: 'sent' });
    expect(smtp.envelopes.filter((e) => e.rcptTo.some((r) => /ann\.other/i.test(r))).map((e) => e.rcptTo)).toEqual([
      ['Ann.Other@y.example'],
    ]);
    expect(recipients().filter((r) => r.includes('victim'))).toEqual([]);
  });

  it('an unsubscribe names one address: a display name is refused, an untidy spelling stops that address', async () => {
    const unsubscribe = (email: string) =>
      app.postEvent({ type: 'customer.unsubscribed', data: { store: 'demo', email } });
    const refused = await unsubscribe('Bob <bob@y.example>');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('a single plain email address');
    expect((await unsubscribe(' Bob@Y.Example ')).status).toBe(200);
    expect((await app.postEvent(orderEvent('UNS-1', { email: 'bob@y.example' }))).status).toBe(200);
    expect(await settled(app, 'UNS-1')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(recipients().filter((r) => r.includes('bob'))).toEqual([]);
  });
});
