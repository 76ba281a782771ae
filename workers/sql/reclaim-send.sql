-- A claim whose worker died before its message's DATA began (lease run out, data_started_at
-- unset): nothing reached the SMTP server, so the send goes back to 'scheduled' to be made again.
--
-- $1 id: the cross-sell
--
-- Returns one row when reclaimed; none otherwise.
UPDATE cross_sells SET status = 'scheduled', updated_at = now()
WHERE id = $1 AND status = 'sending' AND data_started_at IS NULL AND lease_until < now()
RETURNING id;
