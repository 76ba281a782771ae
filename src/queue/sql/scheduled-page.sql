-- One page of scheduled cross-sells to put back on the queue, by id: every one after a missed
-- enqueue, otherwise only those overdue by $4 (their job should have run by now; a backlog
-- the workers are still working through is not re-added). A pass stops at the newest row when
-- it began: rows created since were queued after their commit (a miss among them sets off the
-- next full pass), and chasing them under a stream of webhooks made a pass never end.
--
-- $1 after: the last id of the previous page ('0' first)
-- $2 full: every scheduled row, not only the overdue ones
-- $3 upTo: the newest cross-sell id when the pass began
-- $4 overdueMs: how long past its due time a row counts as lost by the queue (a minute), in ms
--
-- Returns up to 500 rows: id, due_at.
SELECT id, due_at FROM cross_sells
 WHERE status = 'scheduled' AND id > $1 AND id <= $3 AND ($2::boolean OR due_at < now() - make_interval(secs => $4::bigint / 1000))
 ORDER BY id LIMIT 500;
