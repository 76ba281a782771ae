-- Writes one batch of learned neighbours (the old rows of the store were deleted first, in the
-- same transaction, so readers see the old model or the new one, never a mix).
--
-- $1 store: the store key
-- $2 products: text[], each pair's product
-- $3 neighbours: text[], its neighbour
-- $4 supports: int[]
-- $5 confidences: float8[]
-- $6 lifts: float8[]
-- $7 scores: float8[]
--
-- Returns nothing.
INSERT INTO copurchase (store, product_id, neighbour, support, confidence, lift, score)
SELECT $1, a, b, support, confidence, lift, score
FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::float8[]) AS r(a, b, support, confidence, lift, score);
