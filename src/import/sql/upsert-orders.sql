-- Imported orders, one batch (from_history: never scheduled). An order already known (from a
-- webhook, or an earlier import) keeps its record; a history order only gains a cancellation
-- or refund a newer export reports. Parallel arrays, one element per order, sorted by id.
--
-- $1 store: the store key
-- $2 orderIds: text[]
-- $3 customerKeys: text[] (null elements: no customer)
-- $4 createdAts: timestamptz[]
-- $5 currencies: text[]
-- $6 shippingCountries: text[]
-- $7 totals: numeric[] (null elements: unknown)
-- $8 cancelledAts: timestamptz[]
-- $9 refundedAts: timestamptz[]
-- $10 refundedAmounts: numeric[]
--
-- Returns nothing.
INSERT INTO orders (store, order_id, customer_key, created_at, currency, shipping_country, total,
                    cancelled_at, refunded_at, refunded_amount, from_history)
SELECT $1, o, CASE WHEN EXISTS (SELECT 1 FROM erasures er WHERE er.store = $1 AND er.customer_key = t.k) THEN NULL ELSE k END,
       at, cur, ctry, tot, can, ref, coalesce(refamt, 0), true
FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::numeric[], $8::timestamptz[], $9::timestamptz[], $10::numeric[])
  AS t(o, k, at, cur, ctry, tot, can, ref, refamt)
ON CONFLICT (store, order_id) DO UPDATE SET
  cancelled_at    = coalesce(orders.cancelled_at, excluded.cancelled_at),
  refunded_at     = coalesce(orders.refunded_at, excluded.refunded_at),
  refunded_amount = greatest(orders.refunded_amount, excluded.refunded_amount)
WHERE orders.from_history AND (
     (orders.cancelled_at IS NULL AND excluded.cancelled_at IS NOT NULL)
  OR (orders.refunded_at IS NULL AND excluded.refunded_at IS NOT NULL)
  OR orders.refunded_amount < excluded.refunded_amount);
