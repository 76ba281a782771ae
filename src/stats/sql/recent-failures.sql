-- The latest failed sends (permanent SMTP rejections, interrupted sends), newest first.
SELECT id::text AS id, store, order_id AS "orderId", coalesce(reason, 'unknown') AS reason, updated_at AS at,
       attempts, last_reply AS reply
  FROM cross_sells
 WHERE status = 'failed'
   AND ($1::text IS NULL OR store = $1)
   AND ($2::timestamptz IS NULL OR updated_at >= $2)
 ORDER BY updated_at DESC, id DESC
 LIMIT $3;
