-- Lifts one suppression (the address may be emailed again for that store).
--
-- $1 store: the store key, or '*'
-- $2 emailHash: emailHash() of the address
--
-- Returns the lifted row (store, emailHash, reason), or none.
DELETE FROM suppressions WHERE store = $1 AND email_hash = $2
RETURNING store, email_hash AS "emailHash", reason;
