-- Claims the one send of a cross-sell before SMTP: only a scheduled row can be claimed, so a
-- duplicated or retried job finds nothing to claim and sends nothing.
UPDATE cross_sells SET status = 'sending', attempts = attempts + 1, items = $2, figures = $3, updated_at = now()
WHERE id = $1 AND status = 'scheduled'
RETURNING id;
