-- Order events (created, paid, fulfilled, delivered, cancelled, or full order payloads carrying
-- several of them), any number in one statement: claim each delivery, upsert customers, orders and
-- lines, and create the cross-sell of each order that is new. Milestones keep their earliest
-- time, so events may arrive in any order. A row's later parts run only when its claim succeeded.
-- Group commit (src/ingest/group-commit.ts) writes a batch of webhooks with one call; the rows of
-- one call name each order, customer and delivery once (ON CONFLICT DO UPDATE may touch a row
-- once per statement), which GroupCommit's rounds ensure.
--
-- $1 rows: jsonb array, one object per order write, its keys the columns of `input` below
--    (src/ingest/record-params.ts builds them; `claimed`: the delivery was claimed earlier in this
--    transaction, a multi-event delivery; the times are ISO strings; `timing` the whole decision)
-- $2 payloads: bytea, the raw bytes kept for ingest.payloadRetention, every row's one after the
--    other: a row's are `payload_length` bytes from `payload_offset` (null: none kept). One
--    binary value, where a bytea[] would be sent as hex text.
--
-- Returns one row per input row, by idx: claimed (0: seen before, nothing written), order (the row
-- after the upsert), crossSell (created now), cancelledId, storedLines (for re-deciding a known
-- order), customer.
WITH input AS (
  SELECT r.*, substring($2::bytea FROM r.payload_offset + 1 FOR r.payload_length) AS payload
  FROM jsonb_to_recordset($1::jsonb) AS r(
         idx int, source text, delivery_id text, store text, topic text, event_key text, order_id text,
         customer_key text, customer_id text, email text, first_name text, last_name text, locale text, timezone text,
         marketing_consent boolean, created_at timestamptz, currency text, shipping_country text,
         shipping_province text, total numeric, paid_at timestamptz, fulfilled_at timestamptz,
         delivered_at timestamptz, cancelled_at timestamptz, lines jsonb, status text, reason text,
         due_at timestamptz, timing jsonb, claimed boolean, attribution_window_ms bigint, facts_at timestamptz,
         consent_at timestamptz, payload_offset int, payload_length int)
), claimed AS (
  INSERT INTO deliveries (source, delivery_id, store, topic, event_key, customer_key, payload)
  SELECT source, delivery_id, store, topic, event_key, customer_key, payload FROM input WHERE NOT claimed
  ORDER BY idx
  ON CONFLICT DO NOTHING
  RETURNING source, delivery_id
), claim AS (
  -- claimed: the delivery was already claimed earlier in this transaction.
  SELECT i.* FROM input i
  WHERE i.claimed OR EXISTS (SELECT 1 FROM claimed c WHERE c.source = i.source AND c.delivery_id = i.delivery_id)
), customer AS (
  -- facts_at, consent_at: when the payload's facts and consent were current (newest wins, 0010).
  INSERT INTO customers (store, customer_key, external_id, email, first_name, last_name, locale, timezone, marketing_consent,
                         facts_at, consent_at)
  SELECT store, customer_key, customer_id, email, first_name, last_name, locale, timezone, marketing_consent,
         facts_at, consent_at
  FROM claim WHERE customer_key IS NOT NULL
  ORDER BY store, customer_key
  ON CONFLICT (store, customer_key) DO UPDATE SET
    external_id       = coalesce(excluded.external_id, customers.external_id),
    email             = CASE WHEN customers.erased_at IS NULL THEN newest_fact(customers.email, excluded.email, customers.facts_at, excluded.facts_at) END,
    first_name        = CASE WHEN customers.erased_at IS NULL THEN newest_fact(customers.first_name, excluded.first_name, customers.facts_at, excluded.facts_at) END,
    last_name         = CASE WHEN customers.erased_at IS NULL THEN newest_fact(customers.last_name, excluded.last_name, customers.facts_at, excluded.facts_at) END,
    locale            = newest_fact(customers.locale, excluded.locale, customers.facts_at, excluded.facts_at),
    timezone          = newest_fact(customers.timezone, excluded.timezone, customers.facts_at, excluded.facts_at),
    marketing_consent = newest_consent(customers.marketing_consent, excluded.marketing_consent, customers.consent_at, excluded.consent_at),
    facts_at          = greatest(customers.facts_at, excluded.facts_at),
    consent_at        = greatest(customers.consent_at, excluded.consent_at),
    updated_at        = now()
  RETURNING 1
), ord AS (
  INSERT INTO orders (store, order_id, customer_key, created_at, currency, shipping_country, shipping_province, total,
                      paid_at, fulfilled_at, delivered_at, cancelled_at, from_history)
  SELECT store, order_id, customer_key, created_at, currency, shipping_country, shipping_province, total,
         paid_at, fulfilled_at, delivered_at, cancelled_at, false
  FROM claim ORDER BY store, order_id
  ON CONFLICT (store, order_id) DO UPDATE SET
    customer_key      = coalesce(orders.customer_key, excluded.customer_key),
    created_at        = coalesce(orders.created_at, excluded.created_at),
    currency          = coalesce(orders.currency, excluded.currency),
    shipping_country  = coalesce(orders.shipping_country, excluded.shipping_country),
    shipping_province = coalesce(orders.shipping_province, excluded.shipping_province),
    total             = coalesce(orders.total, excluded.total),
    paid_at           = least(orders.paid_at, excluded.paid_at),
    fulfilled_at      = least(orders.fulfilled_at, excluded.fulfilled_at),
    delivered_at      = least(orders.delivered_at, excluded.delivered_at),
    cancelled_at      = least(orders.cancelled_at, excluded.cancelled_at),
    -- A refund recorded before the order (no total then): whole once the total is known.
    refunded_at       = coalesce(orders.refunded_at, CASE WHEN orders.total IS NULL AND orders.refunded_amount > 0
                                                           AND orders.refunded_amount >= excluded.total THEN now() END),
    version           = orders.version + 1
  RETURNING store, order_id, version, (xmax = 0) AS inserted, customer_key, created_at, currency, shipping_country,
            shipping_province, paid_at, fulfilled_at, delivered_at, cancelled_at, refunded_at, from_history
), bought AS (
  -- Each customer's per-product summary (customer_products) learns the order's products; an
  -- order heard again changes nothing. Sorted so concurrent orders lock rows in one order.
  INSERT INTO customer_products AS cp (store, customer_key, product_id, last_bought_at, last_order_id)
  SELECT DISTINCT ord.store, ord.customer_key, l.product_id, ord.created_at, ord.order_id
  FROM ord JOIN input i ON i.store = ord.store AND i.order_id = ord.order_id,
       jsonb_to_recordset(i.lines) AS l(product_id text, quantity int)
  WHERE ord.customer_key IS NOT NULL AND l.quantity > 0
  ORDER BY ord.store, ord.customer_key, l.product_id
  ON CONFLICT (store, customer_key, product_id) DO UPDATE SET
    last_bought_at = excluded.last_bought_at, last_order_id = excluded.last_order_id
  WHERE cp.last_bought_at IS NULL OR cp.last_bought_at < excluded.last_bought_at
), lines AS (
  INSERT INTO order_lines (store, order_id, line_no, product_id, variant_id, sku, title, product_type, vendor, tags, quantity, unit_price)
  SELECT c.store, c.order_id, l.line_no, l.product_id, l.variant_id, l.sku, l.title, l.product_type, l.vendor,
         coalesce(l.tags, '{}'), l.quantity, l.unit_price
  FROM claim c, jsonb_to_recordset(c.lines) AS l(line_no int, product_id text, variant_id text, sku text, title text,
       product_type text, vendor text, tags text[], quantity int, unit_price numeric)
  ON CONFLICT DO NOTHING
  RETURNING 1
), cross_sell AS (
  -- A new order with lines gets its cross-sell now; its timing was decided from this payload.
  INSERT INTO cross_sells (store, order_id, customer_key, status, reason, due_at, timing)
  SELECT i.store, i.order_id, i.customer_key, i.status, i.reason, i.due_at, i.timing
  FROM ord JOIN input i ON i.store = ord.store AND i.order_id = ord.order_id
  WHERE ord.inserted AND NOT ord.from_history AND i.status IS NOT NULL
  ON CONFLICT (store, order_id) DO NOTHING
  RETURNING id, store, order_id, status, due_at
), conversion AS (
  -- A new order with a product an earlier email recommended, within the attribution window
  -- (attribution_window_ms), converts that email; its revenue is what those products brought.
  INSERT INTO conversions (cross_sell_id, store, order_id, revenue, currency, converted_at)
  SELECT x.id, i.store, i.order_id, sum(l.quantity * l.unit_price), i.currency, i.created_at
  FROM ord JOIN input i ON i.store = ord.store AND i.order_id = ord.order_id
       JOIN cross_sells x ON x.store = i.store AND x.customer_key = i.customer_key,
       jsonb_array_elements(x.items) it,
       jsonb_to_recordset(i.lines) AS l(product_id text, quantity int, unit_price numeric)
  WHERE ord.inserted AND NOT ord.from_history AND i.customer_key IS NOT NULL
    AND x.status = 'sent' AND x.order_id <> i.order_id
    AND x.sent_at <= i.created_at AND x.sent_at >= i.created_at - make_interval(secs => i.attribution_window_ms / 1000)
    AND it->>'productId' = l.product_id
  GROUP BY x.id, i.store, i.order_id, i.currency, i.created_at
  ON CONFLICT DO NOTHING
), cancel AS (
  -- A cancellation of a known order stops its pending cross-sell.
  UPDATE cross_sells x SET status = 'cancelled', reason = 'order_cancelled', updated_at = now()
  FROM claim c
  WHERE x.store = c.store AND x.order_id = c.order_id AND c.cancelled_at IS NOT NULL
    AND x.status IN ('waiting', 'scheduled')
  RETURNING x.id, x.store, x.order_id
)
SELECT
  i.idx,
  (c.idx IS NOT NULL)::int AS claimed,
  CASE WHEN o.order_id IS NOT NULL THEN to_json(o) END AS "order",
  CASE WHEN x.id IS NOT NULL THEN json_build_object('id', x.id, 'status', x.status, 'due_at', x.due_at) END AS "crossSell",
  k.id AS "cancelledId",
  -- What an earlier delivery stored, for re-deciding the timing of a known order, with what the
  -- catalog knows of each product now (order_line_facts, migrations/0012). A new order needs
  -- neither this nor the customer: both are read for known orders only.
  CASE WHEN NOT o.inserted THEN
    (SELECT coalesce(json_agg(json_build_object('productId', product_id, 'sku', sku, 'productType', product_type,
            'vendor', vendor, 'tags', tags, 'quantity', quantity, 'unitPrice', unit_price::text, 'inCatalog', in_catalog)
            ORDER BY line_no), '[]')
       FROM order_line_facts f WHERE f.store = i.store AND f.order_id = i.order_id) END AS "storedLines",
  CASE WHEN NOT o.inserted THEN
    (SELECT json_build_object('timezone', timezone) FROM customers cu
       WHERE cu.store = i.store AND cu.customer_key = coalesce(i.customer_key, o.customer_key)) END AS customer
FROM input i
LEFT JOIN claim c ON c.idx = i.idx
LEFT JOIN ord o ON c.idx IS NOT NULL AND o.store = i.store AND o.order_id = i.order_id
LEFT JOIN cross_sell x ON x.store = i.store AND x.order_id = i.order_id AND c.idx IS NOT NULL
LEFT JOIN cancel k ON k.store = i.store AND k.order_id = i.order_id AND c.idx IS NOT NULL
ORDER BY i.idx;
