-- Ends a cross-sell without a send (skipped, cancelled, failed) or releases a claim
-- ('scheduled' again after a transient failure). Never touches a sent row. $8 the last SMTP reply.
UPDATE cross_sells SET status = $2, reason = $3, figures = coalesce($4, figures), items = coalesce($5, items),
       due_at = coalesce($6, due_at), timing = coalesce($7, timing), last_reply = coalesce($8, last_reply), updated_at = now()
WHERE id = $1 AND status NOT IN ('sent')
RETURNING id;
