-- The reconciler gives up on cross-sells waiting past `expireAfter` every two seconds
-- (src/queue/sql/expire-waiting.sql): without an index on the few waiting rows that was a scan of
-- every cross-sell the store ever had, in every serving process.
CREATE INDEX cross_sells_waiting ON cross_sells (created_at) WHERE status = 'waiting';
