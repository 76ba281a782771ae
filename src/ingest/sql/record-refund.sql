-- A refund or return: returned units per product line, the refunded amount, and a full
-- refund (every unit back, the whole total, or wholeOrder: the platform says the order is refunded)
-- stops the pending cross-sell. The order row is written once (a row may change only once
-- per statement), so the full-refund test is computed before it.
-- A refund with the platform's id counts once per order: redelivered under another delivery
-- id it writes nothing (order_refunds, migration 0011). Without an id it always counts.
--
-- $1 store: the store key
-- $2 orderId: the platform's order id
-- $3 at: when it was refunded
-- $4 lines: jsonb [{product_id, quantity, amount}]
-- $5 amount: the refunded amount, or null (the lines' sum)
-- $6 wholeOrder: the platform says the whole order is refunded
-- $7 refundId: the platform's refund id, or null
--
-- Returns the ids of the cross-sells it cancelled.
WITH refund_seen AS (
  INSERT INTO order_refunds (store, order_id, refund_id)
  SELECT $1, $2, $7::text WHERE $7::text IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
), fresh AS (
  SELECT $7::text IS NULL OR EXISTS (SELECT 1 FROM refund_seen) AS yes
), returned AS (
  SELECT r.product_id, sum(r.quantity)::int AS quantity, sum(coalesce(r.amount, 0)) AS amount
  FROM jsonb_to_recordset($4::jsonb) AS r(product_id text, quantity int, amount numeric)
  WHERE (SELECT yes FROM fresh)
  GROUP BY r.product_id
), line_update AS (
  -- A product's returned units fill its lines in line order, each up to what is still out;
  -- its returned amount goes to the first line still out (only the sum of amounts is read).
  UPDATE order_lines l SET
    returned_quantity = l.returned_quantity + s.take,
    returned_amount   = l.returned_amount + CASE WHEN s.first THEN s.amount ELSE 0 END
  FROM (
    SELECT x.line_no, r.amount,
           least(x.quantity - x.returned_quantity,
                 greatest(0, r.quantity - coalesce(sum(x.quantity - x.returned_quantity) OVER w, 0))) AS take,
           row_number() OVER (PARTITION BY x.product_id ORDER BY x.quantity > x.returned_quantity DESC, x.line_no) = 1 AS first
    FROM returned r
    JOIN order_lines x ON x.store = $1 AND x.order_id = $2 AND x.product_id = r.product_id
    WINDOW w AS (PARTITION BY x.product_id ORDER BY x.line_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ) s
  WHERE l.store = $1 AND l.order_id = $2 AND l.line_no = s.line_no AND (s.take > 0 OR s.first)
  RETURNING l.line_no, l.product_id, l.quantity, l.returned_quantity
), returned_products AS (
  -- The customer's per-product summary (customer_products) remembers what came back.
  UPDATE customer_products cp SET returned = true
  FROM orders o
  WHERE o.store = $1 AND o.order_id = $2 AND cp.store = $1 AND cp.customer_key = o.customer_key AND NOT cp.returned
    AND cp.product_id IN (SELECT product_id FROM line_update WHERE returned_quantity > 0)
), all_units_back AS (
  SELECT coalesce(sum(l.quantity), 0) > 0
     AND coalesce(sum(coalesce(u.returned_quantity, l.returned_quantity)), 0) >= coalesce(sum(l.quantity), 0) AS yes
  FROM order_lines l LEFT JOIN line_update u ON u.line_no = l.line_no
  WHERE l.store = $1 AND l.order_id = $2
), ord AS (
  INSERT INTO orders (store, order_id, refunded_amount, refunded_at)
  SELECT $1, $2, coalesce($5::numeric, (SELECT sum(amount) FROM returned), 0), CASE WHEN $6::boolean THEN $3::timestamptz END
  WHERE (SELECT yes FROM fresh)
  ON CONFLICT (store, order_id) DO UPDATE SET
    refunded_amount = orders.refunded_amount + excluded.refunded_amount,
    refunded_at = CASE
      WHEN orders.refunded_at IS NOT NULL THEN orders.refunded_at
      WHEN $6::boolean OR (SELECT yes FROM all_units_back)
        OR (orders.total IS NOT NULL AND orders.refunded_amount + excluded.refunded_amount >= orders.total) THEN $3::timestamptz
    END,
    version = orders.version + 1
  RETURNING refunded_at
)
UPDATE cross_sells SET status = 'cancelled', reason = 'order_refunded', updated_at = now()
WHERE store = $1 AND order_id = $2 AND status IN ('waiting', 'scheduled')
  AND EXISTS (SELECT 1 FROM ord WHERE refunded_at IS NOT NULL)
RETURNING id;
