-- An unsubscribe, bounce or complaint. The first reason recorded is kept.
INSERT INTO suppressions (store, email_hash, email, reason)
VALUES ($1, $2, $3, $4)
ON CONFLICT (store, email_hash) DO NOTHING;
