-- Every order of a store as a basket of the products bought in it (live and imported).
--
-- $1 store: the store key
--
-- Returns one row per order: customer, at, products (text[]).
SELECT o.customer_key AS customer, o.created_at AS at, array_agg(DISTINCT l.product_id) AS products
FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
WHERE o.store = $1 AND l.quantity > 0 AND o.cancelled_at IS NULL
GROUP BY o.order_id, o.customer_key, o.created_at;
