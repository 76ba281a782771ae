-- Records a held-out cross-sell (the measurement group): decided like a send, with the items it
-- would have sent, and never emailed. The other pending orders it would have served are held out
-- by it, as mark-sent.sql marks them sent.
--
-- $1 id: the cross-sell
-- $2 heldOutAt: its would-be send time
-- $3 items: jsonb, the items it would have sent
-- $4 figures: jsonb
-- $5 siblingIds: bigint[], the other pending cross-sells it serves
--
-- Returns one row when this worker held it out; none when a duplicate job finds it done.
WITH held AS (
  UPDATE cross_sells SET status = 'held_out', reason = NULL, held_out_at = $2, items = $3, figures = $4, updated_at = now()
  WHERE id = $1 AND status = 'scheduled'
  RETURNING id
), served AS (
  UPDATE cross_sells s SET status = 'held_out', reason = NULL, held_out_at = $2, served_by = held.id, updated_at = now()
  FROM held
  WHERE s.id = ANY($5::bigint[]) AND s.status IN ('waiting', 'scheduled')
  RETURNING s.id
)
SELECT id FROM held;
