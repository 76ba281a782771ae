-- Bundle codes in the cohort of `stats` ($1 store or all, $2 orders placed since, or all time):
-- emails sent with a code made for them (pool or API; a static code is everyone's), emails sent
-- without the panel and why, and the orders that used an email's code, net of cancelled or fully
-- refunded orders, with their revenue per currency.
--
-- $1 store: the store key, or null for every store
-- $2 since: orders placed since (timestamptz), or null for all time
--
-- Returns one row: codesIssued, codesRedeemed, revenueThroughCodes, withoutPanel, withoutPanelReasons.
WITH emails AS (
  SELECT x.id, x.offer
    FROM cross_sells x JOIN orders o ON o.store = x.store AND o.order_id = x.order_id
   WHERE x.status = 'sent' AND x.served_by IS NULL AND x.offer IS NOT NULL
     AND ($1::text IS NULL OR x.store = $1) AND ($2::timestamptz IS NULL OR o.created_at >= $2)
), redeemed AS (
  SELECT v.cross_sell_id, v.revenue, coalesce(v.currency, 'XXX') AS currency
    FROM conversions v JOIN emails e ON e.id = v.cross_sell_id
    LEFT JOIN orders b ON b.store = v.store AND b.order_id = v.order_id
   WHERE v.via_code IS NOT NULL AND b.cancelled_at IS NULL AND b.refunded_at IS NULL
), reasons AS (
  SELECT offer->>'reason' AS reason, count(*)::int AS n FROM emails WHERE offer->>'status' = 'none' GROUP BY 1
), revenue AS (
  SELECT currency, sum(revenue)::text AS total FROM redeemed GROUP BY 1
)
SELECT
  (SELECT count(*) FROM emails WHERE offer->>'status' = 'offered' AND offer->>'source' <> 'static')::int AS "codesIssued",
  (SELECT count(DISTINCT cross_sell_id) FROM redeemed)::int AS "codesRedeemed",
  (SELECT coalesce(json_object_agg(currency, total), '{}') FROM revenue) AS "revenueThroughCodes",
  (SELECT count(*) FROM emails WHERE offer->>'status' = 'none')::int AS "withoutPanel",
  (SELECT coalesce(json_object_agg(reason, n), '{}') FROM reasons) AS "withoutPanelReasons";
