-- A customer's figures (consent, suppression, orders, units and value bought and returned within
-- the returns lookback, tickets within the service lookback, emails within the frequency cap's
-- window) as a function, so the worker can read them in the statement that loads the
-- cross-sell (one round trip fewer per email) and src/eligibility/figures.ts on its own.
-- plpgsql, so its plans are cached per session. Imported return lines (negative quantities)
-- count as returns. Lookbacks and the cap window in ms; `as_of` is "now".
CREATE FUNCTION customer_figures(for_store text, for_customer text, for_email_hash text, returns_ms bigint, service_ms bigint,
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
      (SELECT count(DISTINCT coalesce(x.message_id, x.id::text)) FROM cross_sells x WHERE x.store = for_store AND x.customer_key = for_customer
         AND x.status = 'sent' AND x.sent_at >= as_of::timestamptz - make_interval(secs => cap_ms::bigint / 1000))::int AS "recentEmails"
    FROM (SELECT 1) one LEFT JOIN customers c ON c.store = for_store AND c.customer_key = for_customer
  ) f);
END $fn$;
