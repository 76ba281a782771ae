-- shop/redact: everything of one store goes, but its owning source (store_sources) stays: it
-- holds no personal data, and another source must not take the store over after the erasure.
--
-- $1 store: the store key
--
-- Returns one row (1).
WITH a AS (DELETE FROM cross_sells WHERE store = $1),
     b AS (DELETE FROM order_lines WHERE store = $1),
     c AS (DELETE FROM orders WHERE store = $1),
     d AS (DELETE FROM customers WHERE store = $1),
     e AS (DELETE FROM products WHERE store = $1),
     f AS (DELETE FROM tickets WHERE store = $1),
     g AS (DELETE FROM suppressions WHERE store = $1),
     h AS (DELETE FROM copurchase WHERE store = $1),
     j AS (DELETE FROM customer_products WHERE store = $1),
     k AS (DELETE FROM erasures WHERE store = $1),
     l AS (DELETE FROM order_refunds WHERE store = $1),
     i AS (UPDATE deliveries SET payload = NULL, customer_key = NULL WHERE store = $1)
SELECT 1;
