-- Everything item selection needs for one customer in one round trip: the bought products
-- (their declared complements and upsells), candidate products (declared complements, products
-- of the configured complement types, learned co-purchase neighbours), and what the customer
-- already owns, returned, or was offered before.
-- $1 store, $2 customer key, $3 bought product ids, $4 complement product types (lower case),
-- $5 the orders this email serves.
WITH bought AS (
  SELECT * FROM products WHERE store = $1 AND product_id = ANY($3::text[])
), declared AS (
  SELECT DISTINCT c->>'id' AS id FROM bought, jsonb_array_elements(bought.complements) c
), neighbours AS (
  SELECT product_id, neighbour, support, confidence, lift, score FROM copurchase
  WHERE store = $1 AND product_id = ANY($3::text[])
), candidate_ids AS (
  SELECT id FROM declared
  UNION SELECT neighbour FROM neighbours
  UNION SELECT product_id FROM products WHERE store = $1 AND lower(product_type) = ANY($4::text[])
)
SELECT
  (SELECT coalesce(json_agg(row_to_json(p)), '[]') FROM (
     SELECT product_id AS id, title, product_type AS "productType", available, price::text AS price, currency, url,
            image_url AS "imageUrl", complements, upsells
     FROM products WHERE store = $1 AND (product_id IN (SELECT id FROM candidate_ids) OR product_id = ANY($3::text[]))
  ) p) AS products,
  (SELECT coalesce(json_agg(row_to_json(n)), '[]') FROM neighbours n) AS neighbours,
  (SELECT coalesce(array_agg(DISTINCT l.product_id), '{}') FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
    WHERE o.store = $1 AND o.customer_key = $2 AND NOT (o.order_id = ANY($5::text[])) AND l.quantity > 0) AS owned,
  (SELECT coalesce(array_agg(DISTINCT l.product_id), '{}') FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
    WHERE o.store = $1 AND o.customer_key = $2 AND (l.returned_quantity > 0 OR l.quantity < 0)) AS returned,
  (SELECT coalesce(array_agg(DISTINCT i->>'productId'), '{}') FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
    WHERE x.store = $1 AND x.customer_key = $2 AND x.status = 'sent' AND NOT (x.order_id = ANY($5::text[]))) AS offered;
