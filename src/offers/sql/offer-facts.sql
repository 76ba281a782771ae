-- What a bundle's cart link needs: the store's platform (store_sources, migration 0011) and the
-- variant of each product ($1 store, $2 product ids).
--
-- $1 store: the store key
-- $2 productIds: text[], the bundle's products
--
-- Returns one row: platform (shopify, woocommerce, events or null), variants (product id → variant id).
SELECT (SELECT source FROM store_sources WHERE store = $1) AS platform,
       coalesce(json_object_agg(product_id, variant_id), '{}') AS variants
  FROM products WHERE store = $1 AND product_id = ANY($2::text[]);
