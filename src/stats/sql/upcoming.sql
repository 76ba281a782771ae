-- The next scheduled sends, soonest first (served by the partial index cross_sells_due).
SELECT id::text AS id, store, order_id AS "orderId", due_at AS "dueAt"
  FROM cross_sells
 WHERE status = 'scheduled' AND ($1::text IS NULL OR store = $1)
 ORDER BY due_at NULLS LAST, id
 LIMIT $2;
