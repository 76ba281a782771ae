-- One order event (created, paid, fulfilled, delivered, cancelled, or a full order payload
-- carrying several of them) in one round trip: claim the delivery, upsert customer, order and
-- lines, and create the cross-sell when the order is new. Milestones keep their earliest time,
-- so events may arrive in any order. Later parts run only when the claim succeeded.
-- Called with named values (namedSql(), src/db/sql.ts): this header binds them.
--
-- $1 source: shopify, woocommerce or events
-- $2 deliveryId: the platform's delivery id (+ '#' order id when several writes share it)
-- $3 store: the store key
-- $4 topic: the platform's topic
-- $5 eventKey: the event's own id, or null
-- $6 payload: the raw bytes kept for ingest.payloadRetention, or null
-- $7 orderId: the platform's order id
-- $8 customerKey: 'e-' + address hash or 'c-' + id hash (src/domain/customer-key.ts), or null
-- $9 customerId: the platform's customer id, or null
-- $10 email: the address as stored (storedEmail()), or null
-- $11 firstName: or null
-- $12 lastName: or null
-- $13 locale: or null
-- $14 timezone: IANA zone, or null
-- $15 marketingConsent: boolean, or null (unknown)
-- $16 createdAt: when the order was placed, or null (an event without the order's payload)
-- $17 currency: or null
-- $18 shippingCountry: ISO code, or null
-- $19 shippingProvince: or null
-- $20 total: exact decimal string, or null
-- $21 paidAt: or null
-- $22 fulfilledAt: or null
-- $23 deliveredAt: or null
-- $24 cancelledAt: or null
-- $25 lines: jsonb [{line_no, product_id, variant_id, sku, title, product_type, vendor, tags, quantity, unit_price}]
-- $26 fromHistory: always false for a webhook (imports write history elsewhere)
-- $27 status: the timing verdict's status for a new order, or null (no payload: no decision)
-- $28 reason: the verdict's reason, or null
-- $29 dueAt: the verdict's due time, or null
-- $30 timing: jsonb, the whole timing decision, or null
-- $31 claimed: the delivery was already claimed earlier in this transaction (a multi-event delivery)
-- $32 attributionWindowMs: mail.attributionWindow in ms
-- $33 factsAt: when the payload's customer facts were current, or null (undated; 0010)
-- $34 consentAt: when its consent was current, or null
--
-- Returns one row: claimed (0: seen before, nothing written), order (the row after the upsert),
-- crossSell (created now), cancelledId, storedLines (for re-deciding a known order), customer.
WITH claimed AS (
  INSERT INTO deliveries (source, delivery_id, store, topic, event_key, customer_key, payload)
  SELECT $1, $2, $3, $4, $5, $8, $6 WHERE NOT $31::boolean
  ON CONFLICT DO NOTHING
  RETURNING 1
), claim AS (
  -- claimed ($31): the delivery was already claimed earlier in this transaction.
  SELECT 1 FROM claimed UNION ALL SELECT 1 WHERE $31::boolean
), customer AS (
  -- factsAt, consentAt ($33, $34): when the payload's facts and consent were current (newest wins, 0010).
  INSERT INTO customers (store, customer_key, external_id, email, first_name, last_name, locale, timezone, marketing_consent,
                         facts_at, consent_at)
  SELECT $3, $8, $9, $10, $11, $12, $13, $14, $15, $33, $34 FROM claim WHERE $8::text IS NOT NULL
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
  SELECT $3, $7, $8, $16, $17, $18, $19, $20, $21, $22, $23, $24, $26 FROM claim
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
  RETURNING order_id, version, (xmax = 0) AS inserted, customer_key, created_at, currency, shipping_country,
            shipping_province, paid_at, fulfilled_at, delivered_at, cancelled_at, refunded_at, from_history
), bought AS (
  -- The customer's per-product summary (customer_products) learns this order's products;
  -- an order heard again changes nothing. Sorted so concurrent orders lock rows in one order.
  INSERT INTO customer_products AS cp (store, customer_key, product_id, last_bought_at, last_order_id)
  SELECT $3, ord.customer_key, l.product_id, ord.created_at, $7
  FROM ord, (SELECT DISTINCT product_id FROM jsonb_to_recordset($25::jsonb) AS l(product_id text, quantity int)
              WHERE quantity > 0) l
  WHERE ord.customer_key IS NOT NULL
  ORDER BY l.product_id
  ON CONFLICT (store, customer_key, product_id) DO UPDATE SET
    last_bought_at = excluded.last_bought_at, last_order_id = excluded.last_order_id
  WHERE cp.last_bought_at IS NULL OR cp.last_bought_at < excluded.last_bought_at
), lines AS (
  INSERT INTO order_lines (store, order_id, line_no, product_id, variant_id, sku, title, product_type, vendor, tags, quantity, unit_price)
  SELECT $3, $7, l.line_no, l.product_id, l.variant_id, l.sku, l.title, l.product_type, l.vendor,
         coalesce(l.tags, '{}'), l.quantity, l.unit_price
  FROM claim, jsonb_to_recordset($25::jsonb) AS l(line_no int, product_id text, variant_id text, sku text, title text,
       product_type text, vendor text, tags text[], quantity int, unit_price numeric)
  ON CONFLICT DO NOTHING
  RETURNING 1
), cross_sell AS (
  -- A new order with lines gets its cross-sell now; its timing was decided from this payload.
  INSERT INTO cross_sells (store, order_id, customer_key, status, reason, due_at, timing)
  SELECT $3, $7, $8, $27, $28, $29, $30 FROM ord
  WHERE ord.inserted AND NOT ord.from_history AND $27::text IS NOT NULL
  ON CONFLICT (store, order_id) DO NOTHING
  RETURNING id, status, due_at
), conversion AS (
  -- A new order with a product an earlier email recommended, within the attribution window
  -- (attributionWindowMs, $32), converts that email; its revenue is what those products brought.
  INSERT INTO conversions (cross_sell_id, store, order_id, revenue, currency, converted_at)
  SELECT x.id, $3, $7, sum(l.quantity * l.unit_price), $17, $16
  FROM ord, cross_sells x, jsonb_array_elements(x.items) i,
       jsonb_to_recordset($25::jsonb) AS l(product_id text, quantity int, unit_price numeric)
  WHERE ord.inserted AND NOT ord.from_history AND $8::text IS NOT NULL
    AND x.store = $3 AND x.customer_key = $8 AND x.status = 'sent' AND x.order_id <> $7
    AND x.sent_at <= $16::timestamptz AND x.sent_at >= $16::timestamptz - make_interval(secs => $32::bigint / 1000)
    AND i->>'productId' = l.product_id
  GROUP BY x.id
  ON CONFLICT DO NOTHING
), cancel AS (
  -- A cancellation of a known order stops its pending cross-sell.
  UPDATE cross_sells SET status = 'cancelled', reason = 'order_cancelled', updated_at = now()
  WHERE store = $3 AND order_id = $7 AND $24::timestamptz IS NOT NULL
    AND status IN ('waiting', 'scheduled') AND EXISTS (SELECT 1 FROM claim)
  RETURNING id
)
SELECT
  (SELECT count(*) FROM claim)::int AS claimed,
  (SELECT row_to_json(ord) FROM ord) AS "order",
  (SELECT row_to_json(cross_sell) FROM cross_sell) AS "crossSell",
  (SELECT id FROM cancel) AS "cancelledId",
  -- What an earlier delivery stored, for re-deciding the timing of a known order, with what the
  -- catalog knows of each product now (order_line_facts, migrations/0012). A new order needs
  -- neither this nor the customer: both are skipped then (the one-time filter on `ord`).
  (SELECT coalesce(json_agg(json_build_object('productId', product_id, 'sku', sku, 'productType', product_type,
          'vendor', vendor, 'tags', tags, 'quantity', quantity, 'unitPrice', unit_price::text, 'inCatalog', in_catalog)
          ORDER BY line_no), '[]')
     FROM order_line_facts WHERE store = $3 AND order_id = $7 AND NOT (SELECT inserted FROM ord)) AS "storedLines",
  (SELECT json_build_object('timezone', timezone) FROM customers
     WHERE store = $3 AND customer_key = coalesce($8, (SELECT customer_key FROM orders WHERE store = $3 AND order_id = $7))
       AND NOT (SELECT inserted FROM ord)) AS customer;
