-- A claim whose worker died before its message's DATA began (lease run out, data_started_at
-- unset): nothing reached the SMTP server, so the send goes back to 'scheduled' to be made again.
UPDATE cross_sells SET status = 'scheduled', updated_at = now()
WHERE id = $1 AND status = 'sending' AND data_started_at IS NULL AND lease_until < now()
RETURNING id;
