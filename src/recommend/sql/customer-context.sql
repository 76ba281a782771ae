-- What item selection needs to know of one customer and order, in one round trip: the bought
-- products (declared complements, upsells), the customer's earlier purchases (the 100 most
-- recent products weigh in as history), what they own and returned (customer_products: one
-- row per product, so a customer with thousands of lines costs no more than one with a few),
-- and what earlier emails offered them. $1 store, $2 customer key, $3 bought product ids,
-- $4 the orders this email serves (a product last bought in one of them is not history: it
-- is in the order itself).
SELECT
  (SELECT coalesce(json_agg(json_build_object('id', product_id, 'title', title, 'productType', product_type,
          'available', available, 'price', price::text, 'currency', currency, 'url', url, 'imageUrl', image_url,
          'complements', complements, 'upsells', upsells)), '[]')
     FROM products WHERE store = $1 AND product_id = ANY($3::text[])) AS bought,
  (SELECT coalesce(json_agg(json_build_array(product_id, last_bought_at) ORDER BY last_bought_at DESC), '[]') FROM (
     SELECT product_id, last_bought_at FROM customer_products
      WHERE store = $1 AND customer_key = $2 AND last_bought_at IS NOT NULL AND NOT (last_order_id = ANY($4::text[]))
      ORDER BY last_bought_at DESC LIMIT 100) h) AS history,
  (SELECT coalesce(array_agg(product_id), '{}') FROM customer_products
    WHERE store = $1 AND customer_key = $2 AND last_bought_at IS NOT NULL) AS owned,
  (SELECT coalesce(array_agg(product_id), '{}') FROM customer_products
    WHERE store = $1 AND customer_key = $2 AND returned) AS returned,
  (SELECT coalesce(array_agg(DISTINCT i->>'productId'), '{}') FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
    WHERE x.store = $1 AND x.customer_key = $2 AND x.status = 'sent' AND NOT (x.order_id = ANY($4::text[]))) AS offered;
