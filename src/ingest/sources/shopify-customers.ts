// Shopify customer topics, including the mandatory privacy (GDPR) ones.
import type { CanonicalEvent } from '../canonical.js';
import { compact } from './events.js';
import type { Fields } from './fields.js';
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

/** customers/redact: erasure is keyed by email; a customer without one left nothing to erase here. */
export function shopifyCustomerRedact(body: Fields, store: string): CanonicalEvent[] {
  const email = body.object('customer')?.text('email');
  return email ? [{ type: 'customer.erased', data: { store, email } }] : [];
}
