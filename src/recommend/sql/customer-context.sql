-- What item selection needs to know of one customer and order, in one round trip: the bought
-- products (declared complements, upsells), the customer's earlier purchases (latest date per
-- product; the 100 most recent weigh in as history), what they returned, and what earlier
-- emails offered them. $1 store, $2 customer key, $3 bought product ids, $4 the orders this
-- email serves.
WITH customer_products AS (
  SELECT l.product_id,
         max(o.created_at) FILTER (WHERE l.quantity > 0 AND NOT (o.order_id = ANY($4::text[]))) AS at,
         bool_or(l.returned_quantity > 0 OR l.quantity < 0) AS returned
  FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
  WHERE o.store = $1 AND o.customer_key = $2
  GROUP BY l.product_id
)
SELECT
  (SELECT coalesce(json_agg(json_build_object('id', product_id, 'title', title, 'productType', product_type,
          'available', available, 'price', price::text, 'currency', currency, 'url', url, 'imageUrl', image_url,
          'complements', complements, 'upsells', upsells)), '[]')
     FROM products WHERE store = $1 AND product_id = ANY($3::text[])) AS bought,
  (SELECT coalesce(json_agg(json_build_array(product_id, at) ORDER BY at DESC), '[]') FROM (
     SELECT product_id, at FROM customer_products WHERE at IS NOT NULL ORDER BY at DESC LIMIT 100) h) AS history,
  (SELECT coalesce(array_agg(product_id), '{}') FROM customer_products WHERE at IS NOT NULL) AS owned,
  (SELECT coalesce(array_agg(product_id), '{}') FROM customer_products WHERE returned) AS returned,
  (SELECT coalesce(array_agg(DISTINCT i->>'productId'), '{}') FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
    WHERE x.store = $1 AND x.customer_key = $2 AND x.status = 'sent' AND NOT (x.order_id = ANY($4::text[]))) AS offered;
