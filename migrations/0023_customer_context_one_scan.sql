-- customer_context() as in 0016, except that history, owned and returned come from one scan of the
-- customer's products instead of three: for a customer who owns a thousand products or more
-- (Online Retail's wholesalers) the three scans were most of an item choice's p99.
CREATE OR REPLACE FUNCTION customer_context(for_store text, for_customer text, for_orders text[]) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
  products record;
BEGIN
  SELECT
    coalesce(to_json((array_agg(json_build_array(product_id, last_bought_at) ORDER BY last_bought_at DESC, product_id)
               FILTER (WHERE last_bought_at IS NOT NULL AND NOT (last_order_id = ANY(for_orders))))[1:100]), '[]') AS history,
    coalesce(json_agg(product_id) FILTER (WHERE last_bought_at IS NOT NULL), '[]') AS owned,
    coalesce(json_agg(product_id) FILTER (WHERE returned), '[]') AS returned
  INTO products
  FROM customer_products WHERE store = for_store AND customer_key = for_customer;
  RETURN json_build_object(
    'history', products.history,
    'owned', products.owned,
    'returned', products.returned,
    'offered', (SELECT coalesce(json_agg(DISTINCT i->>'productId'), '[]')
       FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
       WHERE x.store = for_store AND x.customer_key = for_customer AND x.status IN ('sent', 'held_out')
         AND NOT (x.order_id = ANY(for_orders))),
    'catalog', (SELECT json_build_object('epoch', epoch, 'version', version) FROM catalog_versions WHERE store = for_store),
    'modelBuiltAt', (SELECT built_at::text FROM copurchase_builds WHERE store = for_store));
END $$;
