-- A claimed send ('sending') carries a lease and the moment its message's SMTP DATA began, so a
-- crashed worker's send can be told apart: DATA never begun (nothing reached the server) is
-- claimed again once the lease ran out; DATA begun is ambiguous and ends failed/interrupted.
ALTER TABLE cross_sells ADD COLUMN lease_until timestamptz, ADD COLUMN data_started_at timestamptz;

-- Sends in flight before this migration: whether their DATA began is unknown, so never again.
UPDATE cross_sells SET data_started_at = updated_at WHERE status = 'sending';
