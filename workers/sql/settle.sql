-- Ends a cross-sell without a send (skipped, cancelled, failed) or re-times a scheduled one.
-- Never touches a sent row. Called with named values (namedSql(), src/db/sql.ts): this header
-- binds them; a null leaves the stored value.
--
-- $1 id: the cross-sell
-- $2 status: its new status
-- $3 reason: the SPEC reason code, or null
-- $4 figures: jsonb, the eligibility figures behind the decision, or null
-- $5 items: jsonb, the items chosen, or null
-- $6 dueAt: a new due time, or null
-- $7 timing: jsonb, the timing decision, or null
-- $8 reply: the last SMTP reply (addresses redacted), or null
--
-- Returns the row's id, or no row when it was sent already.
UPDATE cross_sells SET status = $2, reason = $3, figures = coalesce($4, figures), items = coalesce($5, items),
       due_at = coalesce($6, due_at), timing = coalesce($7, timing), last_reply = coalesce($8, last_reply), updated_at = now()
WHERE id = $1 AND status NOT IN ('sent')
RETURNING id;
