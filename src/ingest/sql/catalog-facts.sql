-- What the store's catalog says of an order's products, for lines that carry no type, vendor or
-- tags (Shopify and WooCommerce lines never do).
--
-- $1 store: the store key
-- $2 productIds: text[], the products
--
-- Returns productId, productType, vendor, tags per product found.
SELECT product_id AS "productId", product_type AS "productType", vendor, tags
FROM products
WHERE store = $1 AND product_id = ANY($2::text[]);
