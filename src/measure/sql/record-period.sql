-- A new holdout share for a store from a time, unless it is already the store's latest. Two
-- workers seeing the change at once may both write: the period starts at the earlier row.
--
-- $1 store: the store key
-- $2 holdout: measure.holdout, the share held out
-- $3 startedAt: when the share took effect
--
-- Returns nothing.
INSERT INTO holdout_periods (store, holdout, started_at)
SELECT $1, $2::numeric, $3
WHERE coalesce((SELECT holdout FROM holdout_periods WHERE store = $1 ORDER BY started_at DESC LIMIT 1), -1) <> $2::numeric
ON CONFLICT DO NOTHING;
