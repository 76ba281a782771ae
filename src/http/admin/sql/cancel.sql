-- An operator stops a cross-sell that has not been sent: status 'cancelled', reason 'cancelled'
-- (the order itself stays as it is). A send already claimed ('sending') can no longer be stopped.
--
-- $1 id: the cross-sell
--
-- Returns the row when it was cancelled (id, store, orderId, status, reason); none otherwise.
UPDATE cross_sells
   SET status = 'cancelled', reason = 'cancelled', updated_at = now()
 WHERE id = $1 AND status IN ('waiting', 'scheduled')
RETURNING id::text AS id, store, order_id AS "orderId", status, reason;
