-- A store's catalog entries written after version $2 (0: all of them), for the in-memory copy
-- item selection keeps (catalog-cache.ts).
SELECT product_id AS id, title, product_type AS "productType", available, price::text AS price, currency, url,
       image_url AS "imageUrl", complements, upsells, version
FROM products
WHERE store = $1 AND version > $2;
