-- A store's catalog entries written after a version (0: all of them), for the in-memory copy
-- item selection keeps (catalog-cache.ts).
--
-- $1 store: the store key
-- $2 afterVersion: the highest version the cache holds (0: none)
--
-- Returns one row per product: id, title, productType, available, price, currency, url, imageUrl, complements, upsells, version.
SELECT product_id AS id, title, product_type AS "productType", available, price::text AS price, currency, url,
       image_url AS "imageUrl", complements, upsells, version
FROM products
WHERE store = $1 AND version > $2;
