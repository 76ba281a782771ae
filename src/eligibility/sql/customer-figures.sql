-- A customer's figures as of $7 (now): consent, suppression, orders, units and value bought
-- and returned within the returns lookback, tickets within the service lookback, and emails
-- within the frequency cap's window. Imported return lines (negative quantities) count as returns.
-- $1 store, $2 customer_key, $3 email hash, $4 returns lookback (ms), $5 service lookback (ms),
-- $6 cap window (ms), $7 now, $8 suppression is global.
WITH bought AS (
  SELECT o.order_id,
         sum(CASE WHEN l.quantity > 0 THEN l.quantity ELSE 0 END) AS units,
         sum(CASE WHEN l.quantity > 0 THEN l.returned_quantity ELSE 0 END) + sum(CASE WHEN l.quantity < 0 THEN -l.quantity ELSE 0 END) AS returned,
         sum(CASE WHEN l.quantity > 0 THEN l.quantity * l.unit_price ELSE 0 END) AS value,
         sum(l.returned_amount) + sum(CASE WHEN l.quantity < 0 THEN -l.quantity * l.unit_price ELSE 0 END) AS value_returned
  FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
  WHERE o.store = $1 AND o.customer_key = $2 AND o.created_at <= $7::timestamptz
    AND o.created_at >= $7::timestamptz - make_interval(secs => $4::bigint / 1000)
  GROUP BY o.order_id
)
SELECT
  c.email IS NOT NULL AS "hasEmail",
  c.marketing_consent AS "marketingConsent",
  (SELECT s.reason FROM suppressions s
    WHERE s.email_hash = $3 AND (s.store = $1 OR s.store = '*' OR $8::boolean)
    ORDER BY (s.reason = 'unsubscribed') DESC LIMIT 1) AS suppression,
  (SELECT count(*) FROM bought WHERE units > 0)::int AS orders,
  (SELECT coalesce(sum(units), 0) FROM bought)::int AS "unitsBought",
  (SELECT coalesce(sum(returned), 0) FROM bought)::int AS "unitsReturned",
  (SELECT coalesce(sum(value), 0) FROM bought)::numeric(14, 2)::text AS "valueBought",
  (SELECT coalesce(sum(value_returned), 0) FROM bought)::numeric(14, 2)::text AS "valueReturned",
  -- Orders that bought something (an imported return-only order is not a purchase).
  (SELECT count(*) FROM orders o WHERE o.store = $1 AND o.customer_key = $2 AND o.created_at <= $7::timestamptz
     AND o.created_at >= $7::timestamptz - make_interval(secs => $5::bigint / 1000)
     AND EXISTS (SELECT 1 FROM order_lines l WHERE l.store = o.store AND l.order_id = o.order_id AND l.quantity > 0))::int AS "serviceOrders",
  (SELECT count(*) FROM tickets t WHERE t.store = $1 AND t.customer_key = $2
     AND coalesce(t.opened_at, t.closed_at) >= $7::timestamptz - make_interval(secs => $5::bigint / 1000))::int AS "ticketsOpened",
  (SELECT count(*) FROM tickets t WHERE t.store = $1 AND t.customer_key = $2
     AND t.opened_at IS NOT NULL AND (t.closed_at IS NULL OR t.closed_at < t.opened_at))::int AS "openTickets",
  (SELECT count(DISTINCT coalesce(x.message_id, x.id::text)) FROM cross_sells x WHERE x.store = $1 AND x.customer_key = $2
     AND x.status = 'sent' AND x.sent_at >= $7::timestamptz - make_interval(secs => $6::bigint / 1000))::int AS "recentEmails"
FROM (SELECT 1) one LEFT JOIN customers c ON c.store = $1 AND c.customer_key = $2;
