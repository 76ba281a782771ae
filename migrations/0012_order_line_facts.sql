-- Shopify and WooCommerce order lines carry no product type or tags: what a timing rule matches
-- comes from the store's catalog, read at every decision (not copied onto the line), so a
-- product the catalog learns after the order counts from the next decision on. The line's own
-- values win where it has them (canonical events may send them). `in_catalog` lets `explain`
-- name the products nobody described.
CREATE VIEW order_line_facts AS
SELECT l.store, l.order_id, l.line_no, l.product_id, l.variant_id, l.sku, l.title, l.quantity, l.unit_price,
       l.returned_quantity, l.returned_amount,
       coalesce(nullif(l.product_type, ''), nullif(p.product_type, '')) AS product_type,
       coalesce(nullif(l.vendor, ''), nullif(p.vendor, '')) AS vendor,
       CASE WHEN cardinality(l.tags) > 0 THEN l.tags ELSE coalesce(p.tags, '{}') END AS tags,
       p.product_id IS NOT NULL AS in_catalog
FROM order_lines l
LEFT JOIN products p ON p.store = l.store AND p.product_id = l.product_id;
