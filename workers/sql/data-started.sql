-- The server accepted DATA and the messages are about to be handed over: from here on a crash
-- leaves each send ambiguous (the reconciler fails it as interrupted, never sends it again).
-- Only the holder of a claim (its attempts) may begin, and only once: a claim taken over after
-- its lease ran out begins nothing. The Message-IDs are kept for whoever checks the server.
-- The marks of sends that reached DATA together are one statement (send-writes.ts).
--
-- $1 marks: json, [{ "id", "attempt", "messageId" }]
--
-- Returns one row (id, attempts) per send marked; none for a claim that was taken over.
UPDATE cross_sells x SET data_started_at = now(), message_id = m."messageId", updated_at = now()
FROM json_to_recordset($1::json) AS m(id bigint, attempt int, "messageId" text)
WHERE x.id = m.id AND x.status = 'sending' AND x.attempts = m.attempt AND x.data_started_at IS NULL
RETURNING x.id::text AS id, x.attempts;
