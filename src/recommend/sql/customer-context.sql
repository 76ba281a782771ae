-- What item selection needs to know of one customer, in one round trip: their earlier
-- purchases (the 100 most recent products weigh in as history), what they own and returned
-- (customer_products: one row per product, so a customer with thousands of lines costs no
-- more than one with a few), what earlier emails offered them, and the stamps of the store's
-- catalog and co-purchase model, whose in-memory copies are refreshed when these move.
-- $1 store, $2 customer key, $3 the orders this email serves (a product last bought in one of
-- them is not history: it is in the order itself).
SELECT
  (SELECT coalesce(json_agg(json_build_array(product_id, last_bought_at) ORDER BY last_bought_at DESC), '[]') FROM (
     SELECT product_id, last_bought_at FROM customer_products
      WHERE store = $1 AND customer_key = $2 AND last_bought_at IS NOT NULL AND NOT (last_order_id = ANY($3::text[]))
      ORDER BY last_bought_at DESC LIMIT 100) h) AS history,
  (SELECT coalesce(array_agg(product_id), '{}') FROM customer_products
    WHERE store = $1 AND customer_key = $2 AND last_bought_at IS NOT NULL) AS owned,
  (SELECT coalesce(array_agg(product_id), '{}') FROM customer_products
    WHERE store = $1 AND customer_key = $2 AND returned) AS returned,
  (SELECT coalesce(array_agg(DISTINCT i->>'productId'), '{}') FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
    WHERE x.store = $1 AND x.customer_key = $2 AND x.status = 'sent' AND NOT (x.order_id = ANY($3::text[]))) AS offered,
  (SELECT json_build_object('epoch', epoch, 'version', version) FROM catalog_versions WHERE store = $1) AS catalog,
  (SELECT built_at::text FROM copurchase_builds WHERE store = $1) AS "modelBuiltAt";
