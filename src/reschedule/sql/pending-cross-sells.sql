-- Every cross-sell still waiting or scheduled, with what its timing is decided from (lines with
-- their catalog facts: order_line_facts, migrations/0012).
--
-- No parameters.
--
-- Returns one row per pending cross-sell with its order, customer time zone and lines.
SELECT x.id, x.store, x.order_id AS "orderId", x.status, x.due_at AS "dueAt",
       o.created_at AS "createdAt", o.paid_at AS "paidAt", o.fulfilled_at AS "fulfilledAt", o.delivered_at AS "deliveredAt",
       o.cancelled_at AS "cancelledAt", o.refunded_at AS "refundedAt",
       o.shipping_country AS "shippingCountry", o.shipping_province AS "shippingProvince", c.timezone,
       (SELECT json_agg(json_build_object('productId', l.product_id, 'sku', l.sku, 'productType', l.product_type,
               'vendor', l.vendor, 'tags', l.tags, 'quantity', l.quantity, 'unitPrice', l.unit_price::text,
               'returnedQuantity', l.returned_quantity, 'inCatalog', l.in_catalog) ORDER BY l.line_no)
          FROM order_line_facts l WHERE l.store = x.store AND l.order_id = x.order_id) AS lines
FROM cross_sells x
JOIN orders o ON o.store = x.store AND o.order_id = x.order_id
LEFT JOIN customers c ON c.store = x.store AND c.customer_key = x.customer_key
WHERE x.status IN ('waiting', 'scheduled') AND o.created_at IS NOT NULL
ORDER BY x.id;
