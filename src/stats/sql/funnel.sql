-- The funnel of one cohort: orders received from webhooks (imported history never counts)
-- placed since a time, optionally for one store, and what became of their cross-sells.
--
-- scheduled: cross-sells that were given a send time, whatever happened after (sent, failed,
--   skipped at send time, cancelled after scheduling). Not: still waiting for a trigger, or
--   stopped at ingest without a time (timing rule skip, order already cancelled).
-- sent: emails (a row that sent its own email); served: orders covered by another order's email.
-- clicked / converted: sent cross-sells with at least one click / conversion (one whose order
--   was cancelled or refunded in full stops counting). heldOut: the measurement group.
--
-- $1 store: one store, or null for every store
-- $2 since: orders placed from this time, or null for all time
--
-- Returns one row of counts plus the stop reasons and revenue as JSON (below).
WITH cohort AS (
  SELECT o.store, o.currency AS order_currency, x.id, x.status, x.reason, x.due_at, x.served_by
    FROM orders o
    LEFT JOIN cross_sells x ON x.store = o.store AND x.order_id = o.order_id
   WHERE NOT o.from_history
     AND ($1::text IS NULL OR o.store = $1)
     AND ($2::timestamptz IS NULL OR coalesce(o.created_at, x.created_at) >= $2)
), reasons AS (
  SELECT status, coalesce(reason, 'unknown') AS reason, count(*)::int AS n
    FROM cohort
   WHERE status IN ('skipped', 'cancelled', 'failed')
   GROUP BY 1, 2
), revenue AS (
  -- Money stays numeric and leaves as text: never a float.
  -- Net of refunds: an order cancelled or refunded in full counts nothing, and what was refunded
  -- of the recommended products is taken off.
  SELECT coalesce(v.currency, bought.currency, c.order_currency, 'XXX') AS currency,
         sum(CASE WHEN bought.refunded_at IS NOT NULL OR bought.cancelled_at IS NOT NULL THEN 0::numeric(14, 2)
                  ELSE greatest(0, v.revenue - coalesce((SELECT sum(l.returned_amount) FROM order_lines l
                         WHERE l.store = v.store AND l.order_id = v.order_id
                           AND EXISTS (SELECT 1 FROM cross_sells x, jsonb_array_elements(coalesce(x.items, '[]')) i
                                        WHERE x.id = v.cross_sell_id AND i->>'productId' = l.product_id)), 0)) END)::text AS total
    FROM conversions v
    JOIN cohort c ON c.id = v.cross_sell_id
    LEFT JOIN orders bought ON bought.store = v.store AND bought.order_id = v.order_id
   GROUP BY 1
)
SELECT
  count(*)::int AS received,
  count(*) FILTER (WHERE c.status <> 'waiting' AND (c.due_at IS NOT NULL OR c.status IN ('scheduled', 'sending', 'failed')
                                                   OR (c.status = 'sent' AND c.served_by IS NULL)))::int AS scheduled,
  count(*) FILTER (WHERE c.status = 'waiting')::int AS waiting,
  count(*) FILTER (WHERE c.status IN ('scheduled', 'sending'))::int AS pending,
  count(*) FILTER (WHERE c.status = 'sent' AND c.served_by IS NULL)::int AS sent,
  count(*) FILTER (WHERE c.status = 'sent' AND c.served_by IS NOT NULL)::int AS served,
  count(*) FILTER (WHERE c.status = 'held_out' AND c.served_by IS NULL)::int AS "heldOut",
  count(*) FILTER (WHERE c.status = 'failed')::int AS failed,
  count(*) FILTER (WHERE c.status = 'cancelled')::int AS cancelled,
  count(*) FILTER (WHERE c.status = 'skipped')::int AS "skippedTotal",
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM clicks k WHERE k.cross_sell_id = c.id))::int AS clicked,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM conversions v LEFT JOIN orders b ON b.store = v.store AND b.order_id = v.order_id
                                  WHERE v.cross_sell_id = c.id AND b.refunded_at IS NULL AND b.cancelled_at IS NULL))::int AS converted,
  (SELECT coalesce(json_object_agg(reason, n), '{}') FROM reasons WHERE status = 'skipped') AS skipped,
  (SELECT coalesce(json_object_agg(reason, n), '{}') FROM reasons WHERE status = 'cancelled') AS "cancelledReasons",
  (SELECT coalesce(json_object_agg(reason, n), '{}') FROM reasons WHERE status = 'failed') AS "failedReasons",
  (SELECT coalesce(json_object_agg(currency, total), '{}') FROM revenue) AS "attributedRevenue"
FROM cohort c;
