-- Everything that names one customer of one store, from whatever a privacy request carries. A
-- customer found by one identifier leads to its other keys (a changed address is a new key with
-- the same external id), and so to every address it had and every order it placed.
--
-- $1 store: the store key
-- $2 addressKey: the customer key of the request's address, or null
-- $3 customerId: the platform's customer id, or null
-- $4 orderIds: text[], order ids the request names
-- $5 customerIdKey: the customer key of that platform id, or null
--
-- Returns one row: keys, emails, orderIds (arrays; see the final SELECT).
WITH direct AS (
  SELECT customer_key FROM customers
   WHERE store = $1 AND (customer_key = $2 OR customer_key = $5 OR external_id = $3)
  UNION SELECT customer_key FROM orders WHERE store = $1 AND order_id = ANY($4::text[]) AND customer_key IS NOT NULL
  -- Tickets and payloads may hold a key no customer row has.
  UNION SELECT k FROM unnest(ARRAY[$2, $5]::text[]) k WHERE k IS NOT NULL
), external_ids AS (
  SELECT external_id FROM customers WHERE store = $1 AND customer_key IN (SELECT customer_key FROM direct) AND external_id IS NOT NULL
  UNION SELECT $3 WHERE $3 IS NOT NULL
), found AS (
  SELECT customer_key FROM direct
  UNION SELECT customer_key FROM customers WHERE store = $1 AND external_id IN (SELECT external_id FROM external_ids)
)
SELECT
  (SELECT coalesce(array_agg(customer_key ORDER BY customer_key), '{}') FROM found) AS keys,
  (SELECT coalesce(array_agg(DISTINCT external_id), '{}') FROM external_ids) AS "customerIds",
  (SELECT coalesce(array_agg(DISTINCT email), '{}') FROM customers
    WHERE store = $1 AND customer_key IN (SELECT customer_key FROM found) AND email IS NOT NULL) AS emails,
  (SELECT coalesce(array_agg(DISTINCT order_id), '{}') FROM (
     SELECT order_id FROM orders WHERE store = $1 AND customer_key IN (SELECT customer_key FROM found)
     UNION SELECT unnest($4::text[])) o) AS "orderIds";
