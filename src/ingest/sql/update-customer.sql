-- customer.updated: consent, names, locale; matched by key (email hash or platform id). $10, $11:
-- when the payload's facts and consent were current; only a newer payload changes them (0010).
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
