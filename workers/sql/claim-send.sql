-- Claims the one send of a cross-sell just before SMTP: only a scheduled row can be claimed, so a
-- duplicated or retried job finds nothing to claim and sends nothing. The lease ($4 ms) says
-- how long the claim stands if its worker dies before DATA; `attempts` is the claim's token.
UPDATE cross_sells SET status = 'sending', attempts = attempts + 1, items = $2, figures = $3,
       lease_until = now() + make_interval(secs => $4::double precision / 1000), data_started_at = NULL, updated_at = now()
WHERE id = $1 AND status = 'scheduled'
RETURNING attempts;
