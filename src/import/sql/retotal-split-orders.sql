-- Recomputes the totals of imported orders whose lines arrived in more than one batch.
--
-- $1 store: the store key
-- $2 orderIds: text[], the orders split across batches
--
-- Returns nothing.
UPDATE orders o SET total = t.total
FROM (SELECT order_id, sum(quantity * unit_price)::numeric(14, 2) AS total FROM order_lines
      WHERE store = $1 AND order_id = ANY($2::text[]) GROUP BY order_id) t
WHERE o.store = $1 AND o.order_id = t.order_id AND o.from_history AND o.total IS DISTINCT FROM t.total;
