-- One page of scheduled cross-sells to put back on the queue, by id: every one after a missed
-- enqueue, otherwise only those a minute overdue (their job should have run by now; a backlog
-- the workers are still working through is not re-added).
--
-- $1 after: the last id of the previous page ('0' first)
-- $2 full: every scheduled row, not only the overdue ones
--
-- Returns up to 500 rows: id, due_at.
SELECT id, due_at FROM cross_sells
 WHERE status = 'scheduled' AND id > $1 AND ($2::boolean OR due_at < now() - interval '1 minute')
 ORDER BY id LIMIT 500;
