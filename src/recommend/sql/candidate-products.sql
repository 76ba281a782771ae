-- The catalog entries of the candidates: declared complements, the best learned neighbours,
-- and products of the configured complement types. $1 store, $2 ids, $3 types (lower case).
SELECT product_id, title, product_type, available, price::text, currency, url, image_url
FROM products
WHERE store = $1 AND (product_id = ANY($2::text[]) OR lower(product_type) = ANY($3::text[]));
