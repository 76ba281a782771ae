-- customers/redact, customer.erased: personal data goes, anonymous counts stay. The customer
-- is re-keyed to a random key so nothing derived from the address remains linkable.
WITH target AS (
  SELECT customer_key FROM customers WHERE store = $1 AND customer_key = $2
), fresh AS (
  SELECT 'x-' || md5(random()::text || clock_timestamp()::text) AS key
), scrub_customer AS (
  UPDATE customers SET customer_key = (SELECT key FROM fresh), email = NULL, first_name = NULL, last_name = NULL,
    external_id = NULL, timezone = NULL, erased_at = now(), updated_at = now()
  WHERE store = $1 AND customer_key IN (SELECT customer_key FROM target)
  RETURNING 1
), scrub_orders AS (
  UPDATE orders SET customer_key = (SELECT key FROM fresh), shipping_province = NULL
  WHERE store = $1 AND customer_key = $2 RETURNING 1
), scrub_cross_sells AS (
  UPDATE cross_sells SET customer_key = (SELECT key FROM fresh),
    status = CASE WHEN status IN ('waiting', 'scheduled') THEN 'cancelled' ELSE status END,
    reason = CASE WHEN status IN ('waiting', 'scheduled') THEN 'no_email' ELSE reason END
  WHERE store = $1 AND customer_key = $2 RETURNING id
), scrub_products AS (
  UPDATE customer_products SET customer_key = (SELECT key FROM fresh) WHERE store = $1 AND customer_key = $2 RETURNING 1
), scrub_tickets AS (
  UPDATE tickets SET customer_key = (SELECT key FROM fresh) WHERE store = $1 AND customer_key = $2 RETURNING 1
), scrub_payloads AS (
  UPDATE deliveries SET payload = NULL, customer_key = NULL WHERE store = $1 AND customer_key = $2 RETURNING 1
), tombstone AS (
  -- Remembered so that a re-imported history does not bring the customer back (0008_erasures).
  INSERT INTO erasures (store, customer_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1
), scrub_suppression AS (
  UPDATE suppressions SET email = NULL WHERE store IN ($1, '*') AND email_hash = $3 RETURNING 1
)
SELECT (SELECT count(*) FROM scrub_customer)::int AS customers, (SELECT count(*) FROM scrub_payloads)::int AS payloads;
