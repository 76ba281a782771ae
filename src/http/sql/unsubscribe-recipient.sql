-- Whom an unsubscribe link speaks to: the store and customer of the send it came in.
--
-- $1 crossSellId: the cross-sell the signed link names
--
-- Returns zero rows (unknown send, or its customer is gone) or one: store, email (null once
-- erased), locale.
SELECT x.store, c.email, c.locale
  FROM cross_sells x
  JOIN customers c ON c.store = x.store AND c.customer_key = x.customer_key
 WHERE x.id = $1;
