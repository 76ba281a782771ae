-- Everything item selection needs for one customer in one round trip: the bought products
-- (their declared complements and upsells), the customer's earlier purchases (latest date per
-- product, the 200 most recent: the learned source weighs the whole history), the learned
-- neighbours of both (20 best per product), products of the configured complement types, and
-- what the customer returned or was offered before.
-- $1 store, $2 customer key, $3 bought product ids, $4 complement product types (lower case),
-- $5 the orders this email serves.
WITH bought AS (
  SELECT * FROM products WHERE store = $1 AND product_id = ANY($3::text[])
), history AS (
  SELECT l.product_id, max(o.created_at) AS at
  FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
  WHERE o.store = $1 AND o.customer_key = $2 AND NOT (o.order_id = ANY($5::text[])) AND l.quantity > 0
  GROUP BY l.product_id
  ORDER BY at DESC
  LIMIT 200
), anchors AS (
  SELECT unnest($3::text[]) AS product_id UNION SELECT product_id FROM history
), neighbours AS (
  SELECT product_id, neighbour, support, confidence, lift, score FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.product_id ORDER BY c.score DESC, c.neighbour) AS rank
    FROM copurchase c WHERE c.store = $1 AND c.product_id IN (SELECT product_id FROM anchors)
  ) ranked WHERE rank <= 20
), declared AS (
  SELECT DISTINCT c->>'id' AS id FROM bought, jsonb_array_elements(bought.complements) c
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
  (SELECT coalesce(json_agg(json_build_object('productId', product_id, 'at', at)), '[]') FROM history) AS history,
  (SELECT coalesce(array_agg(DISTINCT l.product_id), '{}') FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
    WHERE o.store = $1 AND o.customer_key = $2 AND NOT (o.order_id = ANY($5::text[])) AND l.quantity > 0) AS owned,
  (SELECT coalesce(array_agg(DISTINCT l.product_id), '{}') FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
    WHERE o.store = $1 AND o.customer_key = $2 AND (l.returned_quantity > 0 OR l.quantity < 0)) AS returned,
  (SELECT coalesce(array_agg(DISTINCT i->>'productId'), '{}') FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
    WHERE x.store = $1 AND x.customer_key = $2 AND x.status = 'sent' AND NOT (x.order_id = ANY($5::text[]))) AS offered;
