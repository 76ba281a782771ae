-- customers/redact, customer.erased: personal data goes, anonymous counts stay. Each key
-- becomes a random one, so nothing derived from an address or an id remains linkable.
--
-- $1 store: the store key
-- $2 customerKeys: text[], every key the customer had (src/privacy/sql/customer-identity.sql)
-- $3 orderIds: text[], its orders
-- $4 emailHashes: text[], the hashes of its addresses
--
-- Returns one row: customers (scrubbed), cancelled (ids of the cross-sells the queue must forget).
WITH fresh AS MATERIALIZED (
  SELECT k AS old, 'x-' || md5(random()::text || clock_timestamp()::text || k) AS new FROM unnest($2::text[]) k
), pending AS (
  -- Read before the updates below (one snapshot): the jobs the queue must forget.
  SELECT id FROM cross_sells WHERE store = $1 AND (customer_key = ANY($2::text[]) OR order_id = ANY($3::text[]))
    AND status IN ('waiting', 'scheduled')
), scrub_customer AS (
  UPDATE customers c SET customer_key = f.new, email = NULL, first_name = NULL, last_name = NULL,
    external_id = NULL, timezone = NULL, erased_at = now(), updated_at = now()
  FROM fresh f WHERE c.store = $1 AND c.customer_key = f.old
  RETURNING 1
), scrub_orders AS (
  UPDATE orders o SET customer_key = (SELECT f.new FROM fresh f WHERE f.old = o.customer_key), shipping_province = NULL
  WHERE o.store = $1 AND (o.customer_key = ANY($2::text[]) OR o.order_id = ANY($3::text[]))
  RETURNING 1
), scrub_cross_sells AS (
  UPDATE cross_sells x SET customer_key = (SELECT f.new FROM fresh f WHERE f.old = x.customer_key),
    status = CASE WHEN x.status IN ('waiting', 'scheduled') THEN 'cancelled' ELSE x.status END,
    reason = CASE WHEN x.status IN ('waiting', 'scheduled') THEN 'no_email' ELSE x.reason END
  WHERE x.store = $1 AND (x.customer_key = ANY($2::text[]) OR x.order_id = ANY($3::text[]))
  RETURNING 1
), scrub_products AS (
  UPDATE customer_products p SET customer_key = f.new FROM fresh f WHERE p.store = $1 AND p.customer_key = f.old RETURNING 1
), scrub_tickets AS (
  UPDATE tickets t SET customer_key = f.new FROM fresh f WHERE t.store = $1 AND t.customer_key = f.old RETURNING 1
), tombstone AS (
  -- Remembered so that a re-imported history does not bring the customer back (0008_erasures).
  INSERT INTO erasures (store, customer_key) SELECT $1, old FROM fresh ON CONFLICT DO NOTHING RETURNING 1
), scrub_suppression AS (
  -- Still suppressed, by hash only.
  UPDATE suppressions SET email = NULL WHERE store IN ($1, '*') AND email_hash = ANY($4::text[]) RETURNING 1
)
SELECT (SELECT count(*) FROM scrub_customer)::int AS customers,
       (SELECT coalesce(array_agg(id::text), '{}') FROM pending) AS cancelled;
