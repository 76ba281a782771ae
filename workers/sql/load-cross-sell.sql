-- Everything the worker needs to decide one cross-sell, re-read at send time: the row, its
-- order's milestones, the customer, the lines of this order and of any other pending order of
-- the same customer (one email serves them all), and what item selection needs to know of the
-- customer (customer_context(), migrations/0007), so picking items costs no round trip, and
-- their eligibility figures (customer_figures(), 0009). The cross-sells the worker starts together
-- are loaded in one statement (load-cross-sell.ts).
--
-- $1 ids: bigint[], the cross-sells
-- $2 returnsMs: the returns look-back, in ms (figuresWindow(), src/eligibility/figures.ts)
-- $3 serviceMs: the service-load look-back, in ms
-- $4 capMs: the frequency-cap window, in ms
-- $5 now: the time the figures are as of
-- $6 globalSuppression: eligibility.globalSuppression
--
-- Returns one row per cross-sell found (none for one without a row or order): the LoadedCrossSell of workers/deliver.ts.
SELECT x.id::text AS id, x.store, x.order_id AS "orderId", x.customer_key AS "customerKey", x.status, x.due_at AS "dueAt", coalesce(x.timing ? 'sendNow', false) AS "sendNow",
       o.created_at AS "createdAt", o.paid_at AS "paidAt", o.fulfilled_at AS "fulfilledAt", o.delivered_at AS "deliveredAt",
       o.cancelled_at AS "cancelledAt", o.refunded_at AS "refundedAt", o.currency,
       o.shipping_country AS "shippingCountry", o.shipping_province AS "shippingProvince",
       c.email, c.first_name AS "firstName", c.locale, c.timezone,
       (SELECT coalesce(json_agg(json_build_object('id', s.id, 'orderId', s.order_id) ORDER BY s.id), '[]')
          FROM cross_sells s
         WHERE s.store = x.store AND s.customer_key = x.customer_key AND s.id <> x.id
           AND s.status IN ('waiting', 'scheduled')) AS siblings,
       (SELECT coalesce(json_agg(json_build_object('orderId', l.order_id, 'productId', l.product_id, 'title', l.title,
               'productType', l.product_type, 'vendor', l.vendor, 'sku', l.sku, 'tags', l.tags, 'quantity', l.quantity,
               'unitPrice', l.unit_price::text, 'returnedQuantity', l.returned_quantity, 'inCatalog', l.in_catalog)
               ORDER BY l.order_id, l.line_no), '[]')
          -- Types, tags and vendors as the catalog knows them now (migrations/0012).
          FROM order_line_facts l
         -- One array of order ids keeps this an index look-up per order (an OR would not).
         WHERE l.store = x.store AND l.order_id = ANY(ARRAY[x.order_id] || ARRAY(
               SELECT s.order_id FROM cross_sells s WHERE s.store = x.store AND s.customer_key = x.customer_key
                  AND s.id <> x.id AND s.status IN ('waiting', 'scheduled')))) AS lines
       -- Only for a send that may go ahead (a duplicate job or a finished row needs none).
       -- The figures take the email hash from the key ('e-' + hash of the address it was made
       -- from); the worker uses them only if that is still the address's hash (decide.ts).
       , CASE WHEN x.status = 'scheduled' AND x.customer_key LIKE 'e-%' THEN
           customer_figures(x.store, x.customer_key, substr(x.customer_key, 3), $2, $3, $4, $5, $6) END AS "figuresByKey"
       , CASE WHEN x.status = 'scheduled' THEN customer_context(x.store, coalesce(x.customer_key, ''), ARRAY[x.order_id] || ARRAY(
               SELECT s.order_id FROM cross_sells s WHERE s.store = x.store AND s.customer_key = x.customer_key
                  AND s.id <> x.id AND s.status IN ('waiting', 'scheduled'))) END AS "itemContext"
FROM cross_sells x
JOIN orders o ON o.store = x.store AND o.order_id = x.order_id
LEFT JOIN customers c ON c.store = x.store AND c.customer_key = x.customer_key
WHERE x.id = ANY($1::bigint[]);
