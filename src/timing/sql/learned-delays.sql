-- `delay: 'learned'`: per product type, the median time between a customer buying a product of
-- that type and their first later purchase of one of its complements (declared, or learned
-- co-purchase neighbours), from the store's own orders.
--
-- $1 store: the store key
--
-- Returns one row per product type (see the final SELECT).
WITH purchases AS (
  SELECT o.customer_key, o.created_at, l.product_id, lower(coalesce(l.product_type, p.product_type)) AS type
  FROM orders o
  JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
  LEFT JOIN products p ON p.store = l.store AND p.product_id = l.product_id
  WHERE o.store = $1 AND o.customer_key IS NOT NULL AND o.created_at IS NOT NULL AND l.quantity > 0
), complement_pairs AS (
  SELECT product_id AS a, neighbour AS b FROM copurchase WHERE store = $1
  UNION
  SELECT p.product_id, c->>'id' FROM products p, jsonb_array_elements(p.complements) c WHERE p.store = $1
), gaps AS (
  SELECT a.type, min(b.created_at - a.created_at) AS gap
  FROM purchases a
  JOIN complement_pairs cp ON cp.a = a.product_id
  JOIN purchases b ON b.customer_key = a.customer_key AND b.product_id = cp.b AND b.created_at > a.created_at
  WHERE a.type IS NOT NULL
  GROUP BY a.customer_key, a.product_id, a.created_at, a.type
)
SELECT type, (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM gap)) * 1000)::bigint AS "medianMs", count(*)::int AS samples
FROM gaps
GROUP BY type;
