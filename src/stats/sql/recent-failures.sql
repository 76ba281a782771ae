-- The latest failed sends (permanent SMTP rejections, interrupted sends), newest first.
--
-- $1 store: one store, or null
-- $2 since: failures from this time, or null
-- $3 limit: at most this many rows
--
-- Returns id, store, orderId, reason, at, attempts, reply per failed send.
SELECT id::text AS id, store, order_id AS "orderId", coalesce(reason, 'unknown') AS reason, updated_at AS at,
       attempts, last_reply AS reply
  FROM cross_sells
 WHERE status = 'failed'
   AND ($1::text IS NULL OR store = $1)
   AND ($2::timestamptz IS NULL OR updated_at >= $2)
 ORDER BY updated_at DESC, id DESC
 LIMIT $3;
