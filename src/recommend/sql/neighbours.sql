-- A store's whole learned co-purchase table, loaded into memory by item selection.
--
-- $1 store: the store key
--
-- Returns one row per pair: a, b, support, confidence, lift, score.
SELECT product_id AS a, neighbour AS b, support, confidence, lift, score
FROM copurchase WHERE store = $1;
