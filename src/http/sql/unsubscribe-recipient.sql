-- Whom an unsubscribe link speaks to: the store and customer of the send it came in.
--
-- $1 crossSellId: the cross-sell the signed link names
--
-- Returns zero rows (unknown send) or one: store, email and locale (null when the customer row
-- is gone: erased), known (whether the customer row exists).
SELECT x.store, c.email, c.locale, c.customer_key IS NOT NULL AS known
  FROM cross_sells x
  LEFT JOIN customers c ON c.store = x.store AND c.customer_key = x.customer_key
 WHERE x.id = $1;
