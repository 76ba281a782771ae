-- Why an action did not apply: the row's current status, if it exists at all.
--
-- $1 id: the cross-sell
--
-- Returns zero or one row: id, store, orderId, status, reason.
SELECT id::text AS id, store, order_id AS "orderId", status, reason FROM cross_sells WHERE id = $1;
