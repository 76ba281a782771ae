-- customer.updated: consent, names, locale; matched by key (email hash or platform id).
UPDATE customers SET
  email             = CASE WHEN erased_at IS NULL THEN coalesce($3, email) END,
  first_name        = CASE WHEN erased_at IS NULL THEN coalesce($4, first_name) END,
  last_name         = CASE WHEN erased_at IS NULL THEN coalesce($5, last_name) END,
  locale            = coalesce($6, locale),
  timezone          = coalesce($7, timezone),
  marketing_consent = coalesce($8, marketing_consent),
  updated_at        = now()
WHERE store = $1 AND (customer_key = $2 OR ($9::text IS NOT NULL AND external_id = $9));
