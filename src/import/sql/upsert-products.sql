-- Imported catalog products, one batch. A field the file does not give keeps what is stored
-- (a Shopify export has no URL); a row that changes nothing is not rewritten (a re-import
-- leaves updated_at alone).
--
-- $1 store: the store key
-- $2 products: jsonb [{id, title, product_type, vendor, tags, url, image_url, price, currency, available,
--    complements, upsells}], one per product id
--
-- Returns nothing (the row count is how many changed).
WITH r AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(id text, title text, product_type text, vendor text, tags text[],
    url text, image_url text, price numeric, currency text, available boolean, complements jsonb, upsells text[])
), merged AS (
  SELECT r.id, r.title,
         coalesce(r.product_type, p.product_type) AS product_type,
         coalesce(r.vendor, p.vendor) AS vendor,
         coalesce(r.tags, p.tags, '{}') AS tags,
         coalesce(r.url, p.url) AS url,
         coalesce(r.image_url, p.image_url) AS image_url,
         coalesce(r.price, p.price) AS price,
         coalesce(r.currency, p.currency) AS currency,
         coalesce(r.available, p.available, true) AS available,
         coalesce(r.complements, p.complements, '[]') AS complements,
         coalesce(r.upsells, p.upsells, '{}') AS upsells
  FROM r LEFT JOIN products p ON p.store = $1 AND p.product_id = r.id
)
INSERT INTO products AS p (store, product_id, title, product_type, vendor, tags, url, image_url, price, currency, available, complements, upsells)
SELECT $1, id, title, product_type, vendor, tags, url, image_url, price, currency, available, complements, upsells FROM merged
ON CONFLICT (store, product_id) DO UPDATE SET
  title = excluded.title, product_type = excluded.product_type, vendor = excluded.vendor, tags = excluded.tags,
  url = excluded.url, image_url = excluded.image_url, price = excluded.price, currency = excluded.currency,
  available = excluded.available, complements = excluded.complements, upsells = excluded.upsells, updated_at = now()
WHERE (p.title, p.product_type, p.vendor, p.tags, p.url, p.image_url, p.price, p.currency, p.available, p.complements, p.upsells)
  IS DISTINCT FROM
      (excluded.title, excluded.product_type, excluded.vendor, excluded.tags, excluded.url, excluded.image_url,
       excluded.price, excluded.currency, excluded.available, excluded.complements, excluded.upsells);
