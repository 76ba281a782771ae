-- The row ids behind an order search, so the page can offer "send now" and "cancel".
SELECT id::text AS id, store FROM cross_sells WHERE order_id = $1 AND ($2::text IS NULL OR store = $2);
