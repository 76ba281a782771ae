-- Records when a store's co-purchase model was last built, and how many rows it has.
--
-- $1 store: the store key
-- $2 rows: the number of copurchase rows written
--
-- Returns nothing.
INSERT INTO copurchase_builds (store, built_at, rows) VALUES ($1, clock_timestamp(), $2)
ON CONFLICT (store) DO UPDATE SET built_at = excluded.built_at, rows = excluded.rows;
