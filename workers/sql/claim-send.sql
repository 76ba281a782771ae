-- Claims the one send of a cross-sell just before SMTP: only a scheduled row can be claimed, so a
-- duplicated or retried job finds nothing to claim and sends nothing. The lease ($4 ms) says
-- how long the claim stands if its worker dies before DATA; `attempts` is the claim's token.
--
-- $1 id: the cross-sell
-- $2 items: jsonb, the items to send
-- $3 figures: jsonb, the eligibility figures
-- $4 leaseMs: how long the claim stands, in ms
--
-- Returns one row (attempts: the claim's token) when claimed; none when it was not scheduled.
UPDATE cross_sells SET status = 'sending', attempts = attempts + 1, items = $2, figures = $3,
       lease_until = now() + make_interval(secs => $4::double precision / 1000), data_started_at = NULL, updated_at = now()
WHERE id = $1 AND status = 'scheduled'
RETURNING attempts;
