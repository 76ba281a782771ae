-- Records the send, and marks the other pending orders it served as sent by it.
--
-- $1 id: the cross-sell
-- $2 sentAt: when it was sent
-- $3 messageId: the Message-ID
-- $4 siblingIds: bigint[], the other pending cross-sells it served
--
-- Returns nothing.
WITH sent AS (
  UPDATE cross_sells SET status = 'sent', reason = NULL, sent_at = $2, message_id = $3, updated_at = now()
  WHERE id = $1 AND status = 'sending'
  RETURNING id, store, customer_key
)
UPDATE cross_sells s SET status = 'sent', reason = NULL, sent_at = $2, message_id = $3, served_by = sent.id, updated_at = now()
FROM sent
WHERE s.id = ANY($4::bigint[]) AND s.status IN ('waiting', 'scheduled');
