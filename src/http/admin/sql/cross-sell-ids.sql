-- The row ids behind an order search, so the page can offer "send now" and "cancel".
--
-- $1 orderId: the platform's order id
-- $2 store: the store key, or null for every store
--
-- Returns one row per cross-sell: id, store.
SELECT id::text AS id, store FROM cross_sells WHERE order_id = $1 AND ($2::text IS NULL OR store = $2);
