-- Gives up on cross-sells still waiting for their trigger after `expireAfter` (SPEC `expired`).
--
-- $1 expireAfterMs: how long a cross-sell may wait, in ms
--
-- Returns nothing.
UPDATE cross_sells SET status = 'skipped', reason = 'expired', updated_at = now()
 WHERE status = 'waiting' AND created_at < now() - make_interval(secs => $1::bigint / 1000);
