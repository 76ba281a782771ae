-- A transient SMTP failure the server answered (or one before DATA): nothing was accepted, so the
-- claim goes back for the retry. Only this worker's claim ($2, its attempts), never one another
-- worker took over. $3 the server's reply, addresses redacted.
--
-- $1 id: the cross-sell
-- $2 attempt: this worker's claim token (its attempts)
-- $3 reply: the server's reply, addresses redacted
--
-- Returns nothing.
UPDATE cross_sells SET status = 'scheduled', data_started_at = NULL, last_reply = $3, updated_at = now()
WHERE id = $1 AND status = 'sending' AND attempts = $2;
