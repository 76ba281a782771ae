-- The stores that had orders (cross-sells created) since a time: their co-purchase model is rebuilt.
--
-- $1 since: the time of the last rebuild pass
--
-- Returns one row per store: store.
SELECT DISTINCT store FROM cross_sells WHERE created_at >= $1;
