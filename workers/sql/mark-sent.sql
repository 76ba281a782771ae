-- Records sends, and marks the other pending orders each served as sent by it. The sends that
-- finished together are one statement (send-writes.ts).
--
-- $1 sends: json, [{ "id", "sentAt", "messageId", "siblingIds": [the other pending cross-sells it served] }]
--
-- Returns nothing.
WITH s AS (
  SELECT * FROM json_to_recordset($1::json) AS s(id bigint, "sentAt" timestamptz, "messageId" text, "siblingIds" json)
), sent AS (
  UPDATE cross_sells x SET status = 'sent', reason = NULL, sent_at = s."sentAt", message_id = s."messageId", updated_at = now()
  FROM s
  WHERE x.id = s.id AND x.status = 'sending'
  RETURNING x.id, x.sent_at, x.message_id
), served AS (
  SELECT sent.id AS by, sent.sent_at, sent.message_id, sibling::bigint AS id
  FROM sent JOIN s ON s.id = sent.id, json_array_elements_text(s."siblingIds") AS sibling
)
UPDATE cross_sells x SET status = 'sent', reason = NULL, sent_at = served.sent_at, message_id = served.message_id,
       served_by = served.by, updated_at = now()
FROM served
WHERE x.id = served.id AND x.status IN ('waiting', 'scheduled');
