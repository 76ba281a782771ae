-- The holdout share in force per store ($1, or every store) and since when: the start of the
-- latest run of the same share (groups.sql compares only emails from then on).
--
-- $1 store: one store, or null for every store
--
-- Returns one row per store: store, holdout, since.
WITH latest AS (
  SELECT DISTINCT ON (store) store, holdout FROM holdout_periods
   WHERE $1::text IS NULL OR store = $1
   ORDER BY store, started_at DESC
)
SELECT l.store, l.holdout::float8 AS holdout, (SELECT min(p.started_at) FROM holdout_periods p
         WHERE p.store = l.store AND p.holdout = l.holdout
           AND p.started_at > coalesce((SELECT max(o.started_at) FROM holdout_periods o
                                        WHERE o.store = l.store AND o.holdout <> l.holdout), '-infinity')) AS since
  FROM latest l ORDER BY l.store;
