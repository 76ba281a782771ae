-- A transient SMTP failure: nothing was accepted, so the claim goes back for the retry.
UPDATE cross_sells SET status = 'scheduled', updated_at = now()
WHERE id = $1 AND status = 'sending';
