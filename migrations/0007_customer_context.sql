-- What item selection needs to know of one customer, as a function so the worker can read it
-- in the same statement that loads the cross-sell (one round trip fewer per email) and the
-- picker on its own (src/recommend/sql/customer-context.sql). plpgsql, so its plans are
-- cached per session. Returns: the 100 most recent products bought (history), what the
-- customer owns and returned (customer_products: one row per product, so a customer with
-- thousands of lines costs no more than one with a few), what earlier emails offered them,
-- and the stamps of the store's catalog and co-purchase model, whose in-memory copies are
-- refreshed when these move. A product last bought in one of `for_orders` (the orders the
-- email serves) is not history: it is in the order itself.
CREATE FUNCTION customer_context(for_store text, for_customer text, for_orders text[]) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN json_build_object(
    'history', (SELECT coalesce(json_agg(json_build_array(product_id, last_bought_at) ORDER BY last_bought_at DESC), '[]') FROM (
       SELECT product_id, last_bought_at FROM customer_products
        WHERE store = for_store AND customer_key = for_customer AND last_bought_at IS NOT NULL
          AND NOT (last_order_id = ANY(for_orders))
        ORDER BY last_bought_at DESC LIMIT 100) h),
    'owned', (SELECT coalesce(json_agg(product_id), '[]') FROM customer_products
       WHERE store = for_store AND customer_key = for_customer AND last_bought_at IS NOT NULL),
    'returned', (SELECT coalesce(json_agg(product_id), '[]') FROM customer_products
       WHERE store = for_store AND customer_key = for_customer AND returned),
    'offered', (SELECT coalesce(json_agg(DISTINCT i->>'productId'), '[]')
       FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
       WHERE x.store = for_store AND x.customer_key = for_customer AND x.status = 'sent'
         AND NOT (x.order_id = ANY(for_orders))),
    'catalog', (SELECT json_build_object('epoch', epoch, 'version', version) FROM catalog_versions WHERE store = for_store),
    'modelBuiltAt', (SELECT built_at::text FROM copurchase_builds WHERE store = for_store));
END $$;
