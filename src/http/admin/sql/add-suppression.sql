-- A manual suppression. An existing one keeps its first reason (an unsubscribe stays one).
INSERT INTO suppressions (store, email_hash, email, reason)
VALUES ($1, $2, $3, $4)
ON CONFLICT (store, email_hash) DO NOTHING
RETURNING store, email_hash AS "emailHash", reason, created_at AS "createdAt";
