-- "Send now": a scheduled cross-sell becomes due immediately. `sendNow` in its timing tells the
-- worker the operator asked for it (so re-deciding the timing does not push it back).
--
-- $1 id: the cross-sell
--
-- Returns the row when it was scheduled (id, store, orderId, status, dueAt); none otherwise.
UPDATE cross_sells
   SET due_at = now(),
       timing = coalesce(timing, '{}'::jsonb) || jsonb_build_object('sendNow', now()),
       updated_at = now()
 WHERE id = $1 AND status = 'scheduled'
RETURNING id::text AS id, store, order_id AS "orderId", status, due_at AS "dueAt";
