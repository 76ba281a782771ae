-- Exact attribution: order $2 of store $1 used discount codes $3; each one an email issued makes
-- the order a conversion of that email with the order's revenue, whatever the attribution window
-- (a window-based conversion of the same pair takes the code and the order's revenue).
--
-- $1 store: the store key
-- $2 orderId: the order that used the codes
-- $3 codes: text[], the discount codes the order carries
--
-- Returns nothing; one conversion per email whose code the order used.
WITH found AS (
  SELECT c.cross_sell_id, c.code
    FROM offer_codes c
    JOIN cross_sells x ON x.id = c.cross_sell_id AND x.status = 'sent' AND x.order_id <> $2
   WHERE c.store = $1 AND upper(c.code) IN (SELECT upper(u) FROM unnest($3::text[]) AS u)
), ord AS (
  SELECT total, currency, created_at FROM orders WHERE store = $1 AND order_id = $2
)
INSERT INTO conversions (cross_sell_id, store, order_id, revenue, currency, converted_at, via_code)
SELECT f.cross_sell_id, $1, $2, coalesce(ord.total, 0), ord.currency, coalesce(ord.created_at, now()), f.code
  FROM found f, ord
ON CONFLICT (cross_sell_id, order_id) DO UPDATE SET revenue = excluded.revenue, via_code = excluded.via_code;
