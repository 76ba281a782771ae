-- Imported customers, one batch. Fills only what the record does not know yet, and only when
-- that changes something: newer webhook data wins over history, and a re-import leaves rows
-- (and updated_at) untouched. Parallel arrays, one element per customer, sorted by key.
--
-- $1 store: the store key
-- $2 customerKeys: text[]
-- $3 externalIds: text[], the platform's customer ids (null elements allowed)
-- $4 emails: text[]
-- $5 firstNames: text[], capped (src/text/caps.ts)
-- $6 lastNames: text[], capped
-- $7 marketingConsents: boolean[]
--
-- Returns nothing.
INSERT INTO customers (store, customer_key, external_id, email, first_name, last_name, marketing_consent)
SELECT $1, k, x, e, f, l, m FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[]) AS t(k, x, e, f, l, m)
-- An erased customer is not brought back by an old history (erasures, 0008).
WHERE NOT EXISTS (SELECT 1 FROM erasures er WHERE er.store = $1 AND er.customer_key = t.k)
ON CONFLICT (store, customer_key) DO UPDATE SET
  external_id       = coalesce(customers.external_id, excluded.external_id),
  email             = CASE WHEN customers.erased_at IS NULL THEN coalesce(customers.email, excluded.email) END,
  first_name        = CASE WHEN customers.erased_at IS NULL THEN coalesce(customers.first_name, excluded.first_name) END,
  last_name         = CASE WHEN customers.erased_at IS NULL THEN coalesce(customers.last_name, excluded.last_name) END,
  marketing_consent = coalesce(customers.marketing_consent, excluded.marketing_consent),
  updated_at        = now()
WHERE customers.erased_at IS NULL AND (
     (customers.external_id IS NULL AND excluded.external_id IS NOT NULL)
  OR (customers.email IS NULL AND excluded.email IS NOT NULL)
  OR (customers.first_name IS NULL AND excluded.first_name IS NOT NULL)
  OR (customers.last_name IS NULL AND excluded.last_name IS NOT NULL)
  OR (customers.marketing_consent IS NULL AND excluded.marketing_consent IS NOT NULL));
