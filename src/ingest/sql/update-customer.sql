-- customer.updated: consent, names, locale; matched by key (email hash or platform id). Only a
-- newer payload changes a fact (0010).
--
-- $1 store: the store key
-- $2 customerKey: the customer key
-- $3 email: the address as stored, or null
-- $4 firstName: or null
-- $5 lastName: or null
-- $6 locale: or null
-- $7 timezone: or null
-- $8 marketingConsent: boolean, or null
-- $9 customerId: the platform's customer id, or null
-- $10 factsAt: when the payload's facts were current, or null (undated)
-- $11 consentAt: when its consent was current, or null
--
-- Returns nothing.
UPDATE customers SET
  email             = CASE WHEN erased_at IS NULL THEN newest_fact(email, $3::text, facts_at, $10::timestamptz) END,
  first_name        = CASE WHEN erased_at IS NULL THEN newest_fact(first_name, $4::text, facts_at, $10::timestamptz) END,
  last_name         = CASE WHEN erased_at IS NULL THEN newest_fact(last_name, $5::text, facts_at, $10::timestamptz) END,
  locale            = newest_fact(locale, $6::text, facts_at, $10::timestamptz),
  timezone          = newest_fact(timezone, $7::text, facts_at, $10::timestamptz),
  marketing_consent = newest_consent(marketing_consent, $8::boolean, consent_at, $11::timestamptz),
  facts_at          = greatest(facts_at, $10::timestamptz),
  consent_at        = greatest(consent_at, $11::timestamptz),
  updated_at        = now()
WHERE store = $1 AND (customer_key = $2 OR ($9::text IS NOT NULL AND external_id = $9));
