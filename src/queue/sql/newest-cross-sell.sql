-- Where a reconciler pass ends: the newest cross-sell when it began.
--
-- No parameters.
--
-- Returns one row: id ('0' when there is none).
SELECT coalesce(max(id), 0)::text AS id FROM cross_sells;
