-- customers/data_request: what we hold about one customer, for the store to hand over.
--
-- $1 store: the store key
-- $2 customerKeys: text[], every key of the customer (customer-identity.sql)
-- $3 orderIds: text[], its orders
-- $4 emailHashes: text[], the hashes of its addresses
--
-- Returns one row: the document (json).
WITH xs AS (
  SELECT * FROM cross_sells WHERE store = $1 AND (customer_key = ANY($2::text[]) OR order_id = ANY($3::text[]))
)
SELECT json_build_object(
  'customers', (SELECT coalesce(json_agg(json_build_object(
      'email', email, 'firstName', first_name, 'lastName', last_name, 'platformCustomerId', external_id, 'locale', locale,
      'timezone', timezone, 'marketingConsent', marketing_consent, 'updatedAt', updated_at) ORDER BY updated_at), '[]')
    FROM customers WHERE store = $1 AND customer_key = ANY($2::text[]) AND erased_at IS NULL),
  'orders', (SELECT coalesce(json_agg(json_build_object(
      'orderId', o.order_id, 'createdAt', o.created_at, 'currency', o.currency, 'total', o.total,
      'shippingCountry', o.shipping_country, 'shippingProvince', o.shipping_province, 'paidAt', o.paid_at,
      'fulfilledAt', o.fulfilled_at, 'deliveredAt', o.delivered_at, 'cancelledAt', o.cancelled_at,
      'refundedAt', o.refunded_at, 'refundedAmount', o.refunded_amount,
      'lines', (SELECT coalesce(json_agg(json_build_object('productId', l.product_id, 'title', l.title, 'quantity', l.quantity,
                  'unitPrice', l.unit_price, 'returnedQuantity', l.returned_quantity) ORDER BY l.line_no), '[]')
                FROM order_lines l WHERE l.store = o.store AND l.order_id = o.order_id)
    ) ORDER BY o.created_at, o.order_id), '[]')
    FROM orders o WHERE o.store = $1 AND (o.customer_key = ANY($2::text[]) OR o.order_id = ANY($3::text[]))),
  -- The signed links in the items are left out: they are ours, not data about the customer.
  'emailsSent', (SELECT coalesce(json_agg(json_build_object('orderId', order_id, 'sentAt', sent_at, 'messageId', message_id,
      'items', (SELECT json_agg(i - 'href') FROM jsonb_array_elements(coalesce(items, '[]')) i)) ORDER BY sent_at), '[]')
    FROM xs WHERE sent_at IS NOT NULL),
  'decisions', (SELECT coalesce(json_agg(json_build_object('orderId', order_id, 'status', status, 'reason', reason,
      'dueAt', due_at, 'timing', timing, 'figures', figures, 'decidedAt', updated_at) ORDER BY created_at), '[]')
    FROM xs),
  'clicks', (SELECT coalesce(json_agg(json_build_object('orderId', xs.order_id, 'productId', c.product_id, 'clickedAt', c.clicked_at)
      ORDER BY c.clicked_at), '[]')
    FROM clicks c JOIN xs ON xs.id = c.cross_sell_id),
  'conversions', (SELECT coalesce(json_agg(json_build_object('emailForOrder', xs.order_id, 'orderId', v.order_id, 'revenue', v.revenue,
      'currency', v.currency, 'convertedAt', v.converted_at) ORDER BY v.converted_at), '[]')
    FROM conversions v JOIN xs ON xs.id = v.cross_sell_id),
  'suppressions', (SELECT coalesce(json_agg(json_build_object('store', store, 'reason', reason, 'since', created_at)), '[]')
    FROM suppressions WHERE store IN ($1, '*') AND email_hash = ANY($4::text[])),
  'tickets', (SELECT coalesce(json_agg(json_build_object('ticketId', ticket_id, 'orderId', order_id, 'openedAt', opened_at,
      'closedAt', closed_at)), '[]')
    FROM tickets WHERE store = $1 AND customer_key = ANY($2::text[]))
) AS data;
