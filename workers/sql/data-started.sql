-- The server accepted DATA and the message is about to be handed over: from here on a crash
-- leaves the send ambiguous (the reconciler fails it as interrupted, never sends it again).
-- Only the holder of this claim ($2, its attempts) may begin, and only once: a claim taken over
-- after its lease ran out begins nothing. The Message-ID is kept for whoever checks the server.
--
-- $1 id: the cross-sell
-- $2 attempt: the claim's token (its attempts)
-- $3 messageId: the Message-ID
--
-- Returns one row when marked; none when the claim was taken over.
UPDATE cross_sells SET data_started_at = now(), message_id = $3, updated_at = now()
WHERE id = $1 AND status = 'sending' AND attempts = $2 AND data_started_at IS NULL
RETURNING id;
