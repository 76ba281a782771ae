-- Re-decides the timing of a known order's cross-sell after a later event. Guarded by the
-- order's version: an event that arrived after ours saw everything we saw, so it wins.
--
-- $1 store: the store key
-- $2 orderId: the platform's order id
-- $3 version: the order version the decision saw
-- $4 status: the new status
-- $5 reason: its reason, or null
-- $6 dueAt: its due time, or null
-- $7 timing: jsonb, the timing decision
--
-- Returns the cross-sell (id, status, due_at) when written; none when a later event won or it is no longer pending.
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
