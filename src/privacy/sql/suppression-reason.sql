-- The reason one address is suppressed for in one store (none: not suppressed there).
--
-- $1 store: the store key, or '*'
-- $2 emailHash: emailHash() of the address
--
-- Returns zero or one row: reason.
SELECT reason FROM suppressions WHERE store = $1 AND email_hash = $2;
