-- The measurement group (issue 20): a held-out cross-sell is decided like a send and recorded with
-- the items it would have sent, but never emailed. `held_out_at` is its would-be send time
-- (sent_at stays "an email went out"); everything that counts emails counts it too.
ALTER TABLE cross_sells DROP CONSTRAINT cross_sells_status_check;
ALTER TABLE cross_sells ADD CONSTRAINT cross_sells_status_check
  CHECK (status IN ('waiting', 'scheduled', 'sending', 'sent', 'skipped', 'cancelled', 'failed', 'held_out'));
ALTER TABLE cross_sells ADD COLUMN held_out_at timestamptz;
CREATE INDEX cross_sells_decided ON cross_sells (store, coalesce(sent_at, held_out_at))
  WHERE status IN ('sent', 'held_out') AND served_by IS NULL;

-- The holdout share in force per store and from when: a changed share re-draws the groups, so a
-- comparison only spans the latest share's period. Written by the worker when it sees a new share.
CREATE TABLE holdout_periods (
  store      text NOT NULL,
  holdout    numeric(4, 3) NOT NULL,
  started_at timestamptz NOT NULL,
  PRIMARY KEY (store, started_at, holdout)
);

-- customer_figures() as in 0009, except that a held-out cross-sell counts as an email for the
-- frequency cap (the groups must stay comparable); its siblings share its id through served_by.
CREATE OR REPLACE FUNCTION customer_figures(for_store text, for_customer text, for_email_hash text, returns_ms bigint, service_ms bigint,
                                 cap_ms bigint, as_of timestamptz, global_suppression boolean) RETURNS json
LANGUAGE plpgsql STABLE AS $fn$
BEGIN
  RETURN (SELECT row_to_json(f) FROM (
    WITH bought AS (
      SELECT o.order_id,
             sum(CASE WHEN l.quantity > 0 THEN l.quantity ELSE 0 END) AS units,
             sum(CASE WHEN l.quantity > 0 THEN l.returned_quantity ELSE 0 END) + sum(CASE WHEN l.quantity < 0 THEN -l.quantity ELSE 0 END) AS returned,
             sum(CASE WHEN l.quantity > 0 THEN l.quantity * l.unit_price ELSE 0 END) AS value,
             sum(l.returned_amount) + sum(CASE WHEN l.quantity < 0 THEN -l.quantity * l.unit_price ELSE 0 END) AS value_returned
      FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
      WHERE o.store = for_store AND o.customer_key = for_customer AND o.created_at <= as_of::timestamptz
        AND o.created_at >= as_of::timestamptz - make_interval(secs => returns_ms::bigint / 1000)
      GROUP BY o.order_id
    )
    SELECT
      c.email IS NOT NULL AS "hasEmail",
      c.marketing_consent AS "marketingConsent",
      (SELECT s.reason FROM suppressions s
        WHERE s.email_hash = for_email_hash AND (s.store = for_store OR s.store = '*' OR global_suppression::boolean)
        ORDER BY (s.reason = 'unsubscribed') DESC LIMIT 1) AS suppression,
      (SELECT count(*) FROM bought WHERE units > 0)::int AS orders,
      (SELECT coalesce(sum(units), 0) FROM bought)::int AS "unitsBought",
      (SELECT coalesce(sum(returned), 0) FROM bought)::int AS "unitsReturned",
      (SELECT coalesce(sum(value), 0) FROM bought)::numeric(14, 2)::text AS "valueBought",
      (SELECT coalesce(sum(value_returned), 0) FROM bought)::numeric(14, 2)::text AS "valueReturned",
      -- Orders that bought something (an imported return-only order is not a purchase).
      (SELECT count(*) FROM orders o WHERE o.store = for_store AND o.customer_key = for_customer AND o.created_at <= as_of::timestamptz
         AND o.created_at >= as_of::timestamptz - make_interval(secs => service_ms::bigint / 1000)
         AND EXISTS (SELECT 1 FROM order_lines l WHERE l.store = o.store AND l.order_id = o.order_id AND l.quantity > 0))::int AS "serviceOrders",
      (SELECT count(*) FROM tickets t WHERE t.store = for_store AND t.customer_key = for_customer
         AND coalesce(t.opened_at, t.closed_at) >= as_of::timestamptz - make_interval(secs => service_ms::bigint / 1000))::int AS "ticketsOpened",
      (SELECT count(*) FROM tickets t WHERE t.store = for_store AND t.customer_key = for_customer
         AND t.opened_at IS NOT NULL AND (t.closed_at IS NULL OR t.closed_at < t.opened_at))::int AS "openTickets",
      (SELECT count(DISTINCT coalesce(x.message_id, x.served_by::text, x.id::text)) FROM cross_sells x
        WHERE x.store = for_store AND x.customer_key = for_customer AND x.status IN ('sent', 'held_out')
          AND coalesce(x.sent_at, x.held_out_at) >= as_of::timestamptz - make_interval(secs => cap_ms::bigint / 1000))::int AS "recentEmails"
    FROM (SELECT 1) one LEFT JOIN customers c ON c.store = for_store AND c.customer_key = for_customer
  ) f);
END $fn$;

-- customer_context() as in 0007, except that what a held-out cross-sell would have offered counts
-- as offered: the held-out group's later picks then match the treated group's.
CREATE OR REPLACE FUNCTION customer_context(for_store text, for_customer text, for_orders text[]) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN json_build_object(
    'history', (SELECT coalesce(json_agg(json_build_array(product_id, last_bought_at) ORDER BY last_bought_at DESC), '[]') FROM (
       SELECT product_id, last_bought_at FROM customer_products
        WHERE store = for_store AND customer_key = for_customer AND last_bought_at IS NOT NULL
          AND NOT (last_order_id = ANY(for_orders))
        ORDER BY last_bought_at DESC LIMIT 100) h),
    'owned', (SELECT coalesce(json_agg(product_id), '[]') FROM customer_products
       WHERE store = for_store AND customer_key = for_customer AND last_bought_at IS NOT NULL),
    'returned', (SELECT coalesce(json_agg(product_id), '[]') FROM customer_products
       WHERE store = for_store AND customer_key = for_customer AND returned),
    'offered', (SELECT coalesce(json_agg(DISTINCT i->>'productId'), '[]')
       FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
       WHERE x.store = for_store AND x.customer_key = for_customer AND x.status IN ('sent', 'held_out')
         AND NOT (x.order_id = ANY(for_orders))),
    'catalog', (SELECT json_build_object('epoch', epoch, 'version', version) FROM catalog_versions WHERE store = for_store),
    'modelBuiltAt', (SELECT built_at::text FROM copurchase_builds WHERE store = for_store));
END $$;
