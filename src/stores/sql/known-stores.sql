-- Every store this database has data for: those a webhook source claimed, and those with orders
-- or products (imports claim none). Orders and products are read by a loose index scan on
-- their (store, id) primary keys: one index probe per store, not a scan of every row.
--
-- No parameters.
--
-- Returns one row per store: store, in order.
WITH RECURSIVE
  order_stores(store) AS (
    (SELECT store FROM orders ORDER BY store LIMIT 1)
    UNION ALL
    SELECT (SELECT o.store FROM orders o WHERE o.store > s.store ORDER BY o.store LIMIT 1)
      FROM order_stores s WHERE s.store IS NOT NULL),
  product_stores(store) AS (
    (SELECT store FROM products ORDER BY store LIMIT 1)
    UNION ALL
    SELECT (SELECT p.store FROM products p WHERE p.store > s.store ORDER BY p.store LIMIT 1)
      FROM product_stores s WHERE s.store IS NOT NULL)
SELECT store FROM store_sources
UNION SELECT store FROM order_stores WHERE store IS NOT NULL
UNION SELECT store FROM product_stores WHERE store IS NOT NULL
ORDER BY store;
