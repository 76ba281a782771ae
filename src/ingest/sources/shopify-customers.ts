// Shopify customer topics, including the mandatory privacy (GDPR) ones.
import type { CanonicalEvent } from '../../domain/canonical-event.js';
import { compact } from './events.js';
import { toId, type Fields } from './fields.js';
import { consentChangedAt, marketingConsent } from './shopify-orders.js';

export function shopifyCustomerUpdate(body: Fields, store: string): CanonicalEvent[] {
  const customer = compact({
    id: body.requireId('id'),
    email: body.text('email'),
    firstName: body.text('first_name'),
    lastName: body.text('last_name'),
    locale: body.text('locale'),
    marketingConsent: marketingConsent(body),
    updatedAt: body.time('updated_at'),
    consentUpdatedAt: consentChangedAt(body),
  });
  return [{ type: 'customer.updated', data: { store, customer } }];
}

/** customers_email_marketing_consent/update: `{ customer_id, email_address, email_marketing_consent }`. */
export function shopifyConsentUpdate(body: Fields, store: string): CanonicalEvent[] {
  const customer = compact({
    id: body.requireId('customer_id'),
    email: body.text('email_address'),
    marketingConsent: marketingConsent(body),
    // No other time: the address it names is undated, the consent dated only by consent_updated_at.
    consentUpdatedAt: consentChangedAt(body),
  });
  return [{ type: 'customer.updated', data: { store, customer } }];
}

/** customers/redact: erased by everything it names: the address, the customer id, orders_to_redact. */
export function shopifyCustomerRedact(body: Fields, store: string): CanonicalEvent[] {
  const data = privacyRequest(body, store, 'orders_to_redact');
  return data ? [{ type: 'customer.erased', data }] : [];
}

/** customers/data_request: answered with a file of the customer's data (src/privacy/data-request.ts). */
export function shopifyDataRequest(body: Fields, store: string): CanonicalEvent[] {
  const data = privacyRequest(body, store, 'orders_requested');
  const requestId = body.object('data_request')?.id('id');
  return data ? [{ type: 'customer.data_requested', data: compact({ ...data, requestId }) }] : [];
}

/** Whom a privacy topic names; undefined when it names nobody (nothing to do). */
function privacyRequest(body: Fields, store: string, ordersKey: string) {
  const customer = body.object('customer');
  const orderIds = (body.list(ordersKey) ?? []).flatMap((v) => toId(v) ?? []);
  const data = compact({
    store,
    email: customer?.text('email'),
    customerId: customer?.id('id'),
    orderIds: orderIds.length > 0 ? orderIds : undefined,
  });
  return data.email !== undefined || data.customerId !== undefined || data.orderIds !== undefined ? data : undefined;
}
