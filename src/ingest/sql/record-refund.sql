-- A refund or return: returned units per product line, the refunded amount, and a full
-- refund (every unit back, or the whole total) stops the pending cross-sell.
WITH returned AS (
  SELECT r.product_id, sum(r.quantity)::int AS quantity, sum(coalesce(r.amount, 0)) AS amount
  FROM jsonb_to_recordset($4::jsonb) AS r(product_id text, quantity int, amount numeric)
  GROUP BY r.product_id
), line_update AS (
  UPDATE order_lines l SET
    returned_quantity = least(l.quantity, l.returned_quantity + r.quantity),
    returned_amount   = l.returned_amount + r.amount
  FROM returned r
  WHERE l.store = $1 AND l.order_id = $2 AND l.product_id = r.product_id
    AND l.line_no = (SELECT min(line_no) FROM order_lines x WHERE x.store = $1 AND x.order_id = $2 AND x.product_id = r.product_id)
  RETURNING l.line_no, l.quantity, l.returned_quantity
), ord AS (
  INSERT INTO orders (store, order_id, refunded_amount)
  VALUES ($1, $2, coalesce($5::numeric, (SELECT sum(amount) FROM returned), 0))
  ON CONFLICT (store, order_id) DO UPDATE SET
    refunded_amount = orders.refunded_amount + excluded.refunded_amount,
    version = orders.version + 1
  RETURNING total, refunded_amount
), totals AS (
  SELECT
    (SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE store = $1 AND order_id = $2) AS units,
    (SELECT coalesce(sum(CASE WHEN u.line_no IS NULL THEN l.returned_quantity ELSE u.returned_quantity END), 0)
       FROM order_lines l LEFT JOIN line_update u ON u.line_no = l.line_no
      WHERE l.store = $1 AND l.order_id = $2) AS returned_units
), full_refund AS (
  UPDATE orders SET refunded_at = coalesce(refunded_at, $3)
  WHERE store = $1 AND order_id = $2
    AND ($6::boolean
         OR (SELECT units > 0 AND returned_units >= units FROM totals)
         OR (SELECT total IS NOT NULL AND refunded_amount >= total FROM ord))
  RETURNING 1
)
UPDATE cross_sells SET status = 'cancelled', reason = 'order_refunded', updated_at = now()
WHERE store = $1 AND order_id = $2 AND status IN ('waiting', 'scheduled') AND EXISTS (SELECT 1 FROM full_refund)
RETURNING id;
