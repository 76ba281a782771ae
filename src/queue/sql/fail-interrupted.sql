-- The worker died mid-DATA: the message may have gone out, so it is never sent again (no
-- lease: claimed by an older worker, which left no mark of its DATA).
--
-- $1 sendingTimeoutMs: how long after DATA began (or the claim, without a lease) a send is interrupted
--
-- Returns nothing.
UPDATE cross_sells SET status = 'failed', reason = 'interrupted', updated_at = now()
 WHERE status = 'sending' AND (data_started_at IS NOT NULL OR lease_until IS NULL)
   AND coalesce(data_started_at, updated_at) < now() - make_interval(secs => $1::bigint / 1000);
