-- The product URL a sent email linked to, from the items stored with its send (never a URL
-- from the request: no open redirect).
--
-- $1 crossSellId: the cross-sell the signed link names
-- $2 productId: the product the link names
--
-- Returns zero rows (no such send or item) or one: url (null when the item had none), and the
-- send's store (its link settings decide where the click may go).
SELECT item->>'url' AS url, store
  FROM cross_sells, jsonb_array_elements(coalesce(items, '[]')) AS item
 WHERE id = $1 AND item->>'productId' = $2;
