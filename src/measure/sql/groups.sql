-- The two groups of the measurement (issue 20), per currency: customers whose first email of the
-- current holdout period (sent, or held out: its would-be send) was at or after $1, and what they
-- ordered in the window ($3 ms) after it. Only customers whose window is over count ("matured");
-- the others are counted as maturing. $1 since or null, $2 now, $4/$5 each store and the start of
-- its current period (periods.sql: a changed share re-draws the groups, so earlier emails are not
-- comparable). A customer's group is that first email's status. Revenue is net of refunds: an
-- order's total less what was refunded, nothing for a cancelled one; an order cancelled or
-- refunded in full is no reorder and no order with a recommended item.
--
-- $1 since: count first emails from this time, or null
-- $2 now: the time of the measurement
-- $3 windowMs: measure.window, in ms
-- $4 stores: text[], each store
-- $5 periodStarts: timestamptz[], the start of that store's current holdout period
--
-- Returns one row per currency and group (see the final SELECT).
WITH period AS (
  SELECT * FROM unnest($4::text[], $5::timestamptz[]) AS p(store, started_at)
), decided AS (
  SELECT DISTINCT ON (x.store, x.customer_key) x.store, x.customer_key, x.status = 'sent' AS treated, x.items,
         coalesce(x.sent_at, x.held_out_at) AS at, coalesce(o.currency, 'XXX') AS currency
    FROM period p
    JOIN cross_sells x ON x.store = p.store AND x.status IN ('sent', 'held_out') AND x.served_by IS NULL
     AND x.customer_key IS NOT NULL
     AND coalesce(x.sent_at, x.held_out_at) >= greatest(p.started_at, coalesce($1::timestamptz, '-infinity'))
    JOIN orders o ON o.store = x.store AND o.order_id = x.order_id
   ORDER BY x.store, x.customer_key, coalesce(x.sent_at, x.held_out_at), x.id
), outcome AS (
  SELECT d.currency, d.treated,
         count(a.order_id) FILTER (WHERE a.kept) > 0 AS reordered,
         coalesce(sum(a.net), 0)::float8 AS revenue,
         count(a.order_id) FILTER (WHERE a.kept AND a.recommended)::int AS recommended_orders
    FROM decided d
    LEFT JOIN LATERAL (
      SELECT o.order_id, o.cancelled_at IS NULL AND o.refunded_at IS NULL AS kept,
             CASE WHEN o.cancelled_at IS NOT NULL THEN 0
                  ELSE greatest(0, coalesce(o.total, (SELECT sum(l.quantity * l.unit_price) FROM order_lines l
                                                     WHERE l.store = o.store AND l.order_id = o.order_id), 0) - o.refunded_amount) END AS net,
             EXISTS (SELECT 1 FROM order_lines l, jsonb_array_elements(coalesce(d.items, '[]')) i
                      WHERE l.store = o.store AND l.order_id = o.order_id AND l.product_id = i->>'productId') AS recommended
        FROM orders o
       WHERE o.store = d.store AND o.customer_key = d.customer_key AND NOT o.from_history
         AND o.created_at > d.at AND o.created_at <= d.at + make_interval(secs => $3::bigint / 1000)
         AND coalesce(o.currency, 'XXX') = d.currency
    ) a ON true
   WHERE d.at + make_interval(secs => $3::bigint / 1000) <= $2::timestamptz
   GROUP BY d.store, d.customer_key, d.currency, d.treated
)
SELECT currency, treated, count(*)::int AS customers, count(*) FILTER (WHERE reordered)::int AS reordered,
       sum(revenue)::float8 AS "revenueSum", sum(revenue * revenue)::float8 AS "revenueSquares",
       sum(recommended_orders)::int AS "recommendedOrders", 0 AS maturing
  FROM outcome GROUP BY currency, treated
UNION ALL
SELECT currency, treated, 0, 0, 0, 0, 0, count(*)::int
  FROM decided WHERE at + make_interval(secs => $3::bigint / 1000) > $2::timestamptz
 GROUP BY currency, treated;
