-- Re-decides the timing of a known order's cross-sell after a later event. Guarded by the
-- order's version: an event that arrived after ours saw everything we saw, so it wins.
INSERT INTO cross_sells (store, order_id, customer_key, status, reason, due_at, timing)
SELECT o.store, o.order_id, o.customer_key, $4, $5, $6, $7
FROM orders o
WHERE o.store = $1 AND o.order_id = $2 AND o.version = $3 AND NOT o.from_history
ON CONFLICT (store, order_id) DO UPDATE SET
  status       = excluded.status,
  reason       = excluded.reason,
  due_at       = excluded.due_at,
  timing       = excluded.timing,
  customer_key = coalesce(cross_sells.customer_key, excluded.customer_key),
  updated_at   = now()
WHERE cross_sells.status IN ('waiting', 'scheduled')
RETURNING id, status, due_at;
