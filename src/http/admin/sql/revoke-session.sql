-- Signs one session out for good, and forgets revocations whose sessions have expired anyway.
--
-- $1 nonce: the session cookie's nonce
-- $2 expiresAt: when the session would have expired
--
-- Returns nothing.
WITH pruned AS (
  DELETE FROM admin_session_revocations WHERE expires_at < now()
)
INSERT INTO admin_session_revocations (nonce, expires_at) VALUES ($1, $2)
ON CONFLICT (nonce) DO NOTHING;
