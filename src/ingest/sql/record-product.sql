-- A catalog product from a webhook: claim the delivery, upsert the product. A field the payload
-- does not state (null) keeps what is stored. Called with named values (namedSql(),
-- src/db/sql.ts): this header binds them.
--
-- $1 source: shopify, woocommerce or events
-- $2 deliveryId: the platform's delivery id (+ '#product-' id when several writes share it)
-- $3 store: the store key
-- $4 topic: the platform's topic
-- $5 eventKey: the event's own id, or null
-- $6 payload: the raw bytes kept for ingest.payloadRetention, or null
-- $7 productId: the platform's product id
-- $8 title: the product's title
-- $9 productType: or null
-- $10 vendor: or null
-- $11 tags: text[], or null
-- $12 url: a safe product link (src/links/safe-url.ts), or null
-- $13 imageUrl: or null
-- $14 price: decimal string, or null
-- $15 currency: or null
-- $16 available: boolean, or null
-- $17 complements: jsonb [{id, required}], or null
-- $18 upsells: text[] of product ids, or null
-- $19 variantId: the first variant that can be bought (for cart links), or null
--
-- Returns one row when the delivery was new (the product written), none for a duplicate.
WITH claim AS (
  INSERT INTO deliveries (source, delivery_id, store, topic, event_key, payload)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT DO NOTHING
  RETURNING 1
)
INSERT INTO products (store, product_id, title, product_type, vendor, tags, url, image_url, price, currency, available, complements, upsells,
                      variant_id)
SELECT $3, $7, $8, $9, $10, coalesce($11::text[], '{}'), $12, $13, $14, $15, coalesce($16, true), coalesce($17::jsonb, '[]'), coalesce($18::text[], '{}'),
       $19
FROM claim
ON CONFLICT (store, product_id) DO UPDATE SET
  title        = excluded.title,
  product_type = coalesce(excluded.product_type, products.product_type),
  vendor       = coalesce(excluded.vendor, products.vendor),
  tags         = CASE WHEN $11::text[] IS NULL THEN products.tags ELSE excluded.tags END,
  url          = coalesce(excluded.url, products.url),
  image_url    = coalesce(excluded.image_url, products.image_url),
  price        = coalesce(excluded.price, products.price),
  currency     = coalesce(excluded.currency, products.currency),
  available    = CASE WHEN $16::boolean IS NULL THEN products.available ELSE excluded.available END,
  complements  = CASE WHEN $17::jsonb IS NULL THEN products.complements ELSE excluded.complements END,
  upsells      = CASE WHEN $18::text[] IS NULL THEN products.upsells ELSE excluded.upsells END,
  variant_id   = coalesce(excluded.variant_id, products.variant_id),
  updated_at   = now()
RETURNING 1;
