// A late, older payload must not undo a newer one: customer facts and consent change only for a
// payload newer (by its own time) than the one that set them, ties keep the stored value, and a
// stale delivery is still answered 200. Through HTTP against real Postgres, with the published
// payloads varied only in their times and consent (and the order's address, so that the order
// and customers/update name the same customer: customers/update only updates a known customer).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrder, startTestApp, type TestApp } from '../../support/app.js';
import { missing } from '../../support/services.js';
import { fixtureJson, postEventRaw, postShopifyRaw, postWoo, uniqueShop, type Answer } from './support.js';

// Whole seconds: WooCommerce times carry no fraction.
const T0 = new Date(Math.floor((Date.now() - 3 * 3_600_000) / 1000) * 1000);
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
const BOB = 'bob@biller.com'; // the customer of shopify-customers-update.json

/** orders/paid for Bob, created at T0, as of `updatedAt` (the checkout box ticked). */
function orderPaid(updatedAt: string, changes: Record<string, unknown> = {}): string {
  const base = fixtureJson('shopify-orders-paid.json');
  return JSON.stringify({
    ...base,
    email: BOB,
    created_at: at(0),
    processed_at: at(0),
    updated_at: updatedAt,
    ...changes,
  });
}

function customersUpdate(updatedAt: string, state: string, consentUpdatedAt: string | null = null): string {
  const base = fixtureJson('shopify-customers-update.json');
  return JSON.stringify({
    ...base,
    updated_at: updatedAt,
    email_marketing_consent: { state, opt_in_level: null, consent_updated_at: consentUpdatedAt },
  });
}

function consentUpdate(state: string, consentUpdatedAt: string | null): string {
  const base = fixtureJson('shopify-customers-email-marketing-consent-update.json');
  return JSON.stringify({
    ...base,
    email_marketing_consent: { state, opt_in_level: null, consent_updated_at: consentUpdatedAt },
  });
}

function expectAccepted(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${answer.text}`).toBe(200);
  expect(answer.body.duplicate, what).toBeFalsy();
}

describe.skipIf(missing('postgres', 'redis'))('customer facts: the newest payload wins', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
  });
  afterAll(async () => app?.stop());

  /** The store's one customer. */
  async function customer(store: string) {
    const { rows } = await app.db.pool.query(
      `SELECT email, first_name, locale, marketing_consent, facts_at, consent_at FROM customers WHERE store = $1`,
      [store],
    );
    expect(rows).toHaveLength(1);
    return rows[0] as {
      email: string;
      first_name: string;
      locale: string | null;
      marketing_consent: boolean | null;
      facts_at: Date;
      consent_at: Date;
    };
  }

  /** Posts Shopify deliveries in turn to a fresh shop, each answered 200; the customer left. */
  async function shopify(...deliveries: [topic: string, body: string][]) {
    const shop = uniqueShop('facts');
    for (const [topic, body] of deliveries) expectAccepted(await postShopifyRaw(app, topic, body, { shop }), topic);
    return customer(shop);
  }

  it('customers/update: a newer unsubscribe, then an older subscribe → consent stays false', async () => {
    const c = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(20), 'unsubscribed')],
      ['customers/update', customersUpdate(at(10), 'subscribed')],
    );
    expect(c).toMatchObject({ marketing_consent: false, consent_at: new Date(at(20)), facts_at: new Date(at(20)) });
  });

  it('a newer subscribe wins over an older unsubscribe, whichever arrives first', async () => {
    const inOrder = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(10), 'unsubscribed')],
      ['customers/update', customersUpdate(at(20), 'subscribed')],
    );
    expect(inOrder.marketing_consent).toBe(true);
    const late = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers_email_marketing_consent/update', consentUpdate('subscribed', at(20))],
      ['customers_email_marketing_consent/update', consentUpdate('unsubscribed', at(10))],
    );
    expect(late).toMatchObject({ marketing_consent: true, consent_at: new Date(at(20)) });
  });

  it('a tie keeps the stored value', async () => {
    const update = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(10), 'unsubscribed')],
      ['customers/update', customersUpdate(at(10), 'subscribed')],
    );
    expect(update.marketing_consent).toBe(false);
    const consent = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers_email_marketing_consent/update', consentUpdate('unsubscribed', at(10))],
      ['customers_email_marketing_consent/update', consentUpdate('subscribed', at(10))],
    );
    expect(consent.marketing_consent).toBe(false);
  });

  it('orders/paid: an older order after a newer unsubscribe does not give consent back', async () => {
    const c = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(20), 'unsubscribed')],
      ['orders/paid', orderPaid(at(5))],
    );
    expect(c).toMatchObject({ marketing_consent: false, facts_at: new Date(at(20)) });
  });

  it('orders/paid: a newer order whose consent changed before the unsubscribe leaves consent alone', async () => {
    const olderConsent = {
      customer: {
        ...(fixtureJson('shopify-orders-paid.json').customer as object),
        email_marketing_consent: { state: 'subscribed', consent_updated_at: at(15) },
      },
    };
    const c = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(20), 'unsubscribed')],
      ['orders/paid', orderPaid(at(30), olderConsent)],
    );
    // The order's facts are newer (facts_at moves on); its consent is not.
    expect(c).toMatchObject({ marketing_consent: false, consent_at: new Date(at(20)), facts_at: new Date(at(30)) });
    // The checkout box dates from checkout: an order updated later does not tick it again.
    const box = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(20), 'unsubscribed')],
      ['orders/paid', orderPaid(at(30))],
    );
    expect(box.marketing_consent).toBe(false);
    const newerConsent = {
      customer: {
        ...olderConsent.customer,
        email_marketing_consent: { state: 'subscribed', consent_updated_at: at(25) },
      },
    };
    const regranted = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(20), 'unsubscribed')],
      ['orders/paid', orderPaid(at(30), newerConsent)],
    );
    expect(regranted).toMatchObject({ marketing_consent: true, consent_at: new Date(at(25)) });
  });

  it('the published consent update (no consent_updated_at) still withdraws consent', async () => {
    const published = JSON.stringify(fixtureJson('shopify-customers-email-marketing-consent-update.json'));
    const c = await shopify(
      ['orders/paid', orderPaid(at(0))],
      ['customers/update', customersUpdate(at(20), 'subscribed')],
      ['customers_email_marketing_consent/update', published],
    );
    expect(c.marketing_consent).toBe(false);
  });

  it('WooCommerce order.updated with an older date_modified_gmt does not overwrite the customer', async () => {
    const site = `https://facts-${randomBytes(3).toString('hex')}.example/`;
    const base = fixtureJson('woocommerce-order-updated.json');
    const updated = (modified: string, firstName: string) =>
      JSON.stringify({
        ...base,
        date_modified_gmt: modified.slice(0, 19),
        billing: { ...(base.billing as object), first_name: firstName },
      });
    const post = async (modified: string, firstName: string) => {
      expectAccepted(
        await postWoo(app, 'order.updated', updated(modified, firstName), { site }),
        `${firstName} at ${modified}`,
      );
      return customer(new URL(site).host);
    };
    expect(await post(at(10), 'John')).toMatchObject({ first_name: 'John', facts_at: new Date(at(10)) });
    expect(await post(at(5), 'Johnny')).toMatchObject({ first_name: 'John', facts_at: new Date(at(10)) });
    expect((await post(at(10), 'Jon')).first_name).toBe('John');
    expect((await post(at(15), 'Jonathan')).first_name).toBe('Jonathan');
  });

  it('canonical events: customer.updatedAt dates the facts; undated events fill gaps and withdraw consent only', async () => {
    const store = `facts-${randomBytes(3).toString('hex')}`;
    const sample = sampleOrder('F1', { store, email: 'ann@example.com', consent: true, createdAt: T0 });
    const { locale: _unknown, ...known } = sample.data.order.customer;
    const order = {
      ...sample,
      data: { ...sample.data, order: { ...sample.data.order, customer: { ...known, updatedAt: at(10) } } },
    };
    const updated = (customer: Record<string, unknown>) => ({
      type: 'customer.updated',
      data: { store, customer: { email: 'ann@example.com', ...customer } },
    });
    const send = async (event: object, what: string) => expectAccepted(await postEventRaw(app, event), what);

    await send(order, 'order dated at 10');
    await send(updated({ firstName: 'Annie', marketingConsent: false, updatedAt: at(5) }), 'older update');
    expect(await customer(store)).toMatchObject({
      first_name: 'Ann',
      marketing_consent: true,
      facts_at: new Date(at(10)),
    });
    // Undated: a fact no dated payload set is filled, a dated one is kept, a grant is no withdrawal.
    await send(updated({ firstName: 'Annie', locale: 'en-GB', marketingConsent: true }), 'undated facts');
    expect(await customer(store)).toMatchObject({ first_name: 'Ann', locale: 'en-GB', marketing_consent: true });
    await send(updated({ marketingConsent: false }), 'undated withdrawal');
    expect((await customer(store)).marketing_consent).toBe(false);
    await send(updated({ marketingConsent: true }), 'undated grant');
    expect((await customer(store)).marketing_consent).toBe(false);
    await send(
      updated({ firstName: 'Anne', marketingConsent: true, consentUpdatedAt: at(30), updatedAt: at(20) }),
      'newer update',
    );
    expect(await customer(store)).toMatchObject({
      first_name: 'Anne',
      marketing_consent: true,
      facts_at: new Date(at(20)),
      consent_at: new Date(at(30)),
    });
  });
});
