-- A store's whole learned co-purchase table, loaded into memory by item selection.
SELECT product_id AS a, neighbour AS b, support, confidence, lift, score
FROM copurchase WHERE store = $1;
