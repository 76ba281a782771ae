-- Suppressions, newest first; store '*' rows are global.
--
-- $1 store: only this store, or null
-- $2 emailHash: only this address's hash, or null
-- $3 limit: at most this many rows
--
-- Returns store, emailHash, email, reason, createdAt per suppression.
SELECT store, email_hash AS "emailHash", email, reason, created_at AS "createdAt"
  FROM suppressions
 WHERE ($1::text IS NULL OR store = $1)
   AND ($2::text IS NULL OR email_hash = $2)
 ORDER BY created_at DESC, store, email_hash
 LIMIT $3;
