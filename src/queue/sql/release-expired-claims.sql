-- The worker died before DATA: nothing reached SMTP, so the claim goes back to 'scheduled' (the
-- reconciler's re-add sends it if no job is left).
--
-- $1 sendingTimeoutMs: how long after its lease ran out a claim is released, in ms
--
-- Returns nothing.
UPDATE cross_sells SET status = 'scheduled', updated_at = now()
 WHERE status = 'sending' AND data_started_at IS NULL
   AND lease_until < now() - make_interval(secs => $1::bigint / 1000);
