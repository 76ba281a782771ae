-- The customers' per-product summary (customer_products) for a batch's orders, computed from
-- what is recorded (an order a webhook recorded keeps its own lines and key). Monotone (latest
-- purchase, returned once returned), so an order split across concurrent batches is complete
-- once both committed.
--
-- $1 store: the store key
-- $2 orderIds: text[], the batch's orders
--
-- Returns nothing.
INSERT INTO customer_products AS cp (store, customer_key, product_id, last_bought_at, last_order_id, returned)
SELECT o.store, o.customer_key, l.product_id,
       max(o.created_at) FILTER (WHERE l.quantity > 0),
       (array_agg(o.order_id ORDER BY o.created_at DESC, o.order_id DESC) FILTER (WHERE l.quantity > 0))[1],
       bool_or(l.returned_quantity > 0 OR l.quantity < 0)
FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
WHERE o.store = $1 AND o.order_id = ANY($2::text[]) AND o.customer_key IS NOT NULL
GROUP BY o.store, o.customer_key, l.product_id
ORDER BY o.customer_key, l.product_id
ON CONFLICT (store, customer_key, product_id) DO UPDATE SET
  last_bought_at = CASE WHEN excluded.last_bought_at > coalesce(cp.last_bought_at, '-infinity') THEN excluded.last_bought_at ELSE cp.last_bought_at END,
  last_order_id  = CASE WHEN excluded.last_bought_at > coalesce(cp.last_bought_at, '-infinity') THEN excluded.last_order_id ELSE cp.last_order_id END,
  returned       = cp.returned OR excluded.returned
WHERE excluded.last_bought_at > coalesce(cp.last_bought_at, '-infinity') OR (excluded.returned AND NOT cp.returned);
