-- Lifts one suppression (the address may be emailed again for that store).
DELETE FROM suppressions WHERE store = $1 AND email_hash = $2
RETURNING store, email_hash AS "emailHash", reason;
