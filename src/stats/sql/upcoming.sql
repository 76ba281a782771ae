-- The next scheduled sends, soonest first (served by the partial index cross_sells_due).
--
-- $1 store: one store, or null
-- $2 limit: at most this many rows
--
-- Returns id, store, orderId, dueAt per scheduled send.
SELECT id::text AS id, store, order_id AS "orderId", due_at AS "dueAt"
  FROM cross_sells
 WHERE status = 'scheduled' AND ($1::text IS NULL OR store = $1)
 ORDER BY due_at NULLS LAST, id
 LIMIT $2;
