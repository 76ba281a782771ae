-- Why an action did not apply: the row's current status, if it exists at all.
SELECT id::text AS id, store, order_id AS "orderId", status, reason FROM cross_sells WHERE id = $1;
