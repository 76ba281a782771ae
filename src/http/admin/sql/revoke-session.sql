-- Signs one session out for good, and forgets revocations whose sessions have expired anyway.
WITH pruned AS (
  DELETE FROM admin_session_revocations WHERE expires_at < now()
)
INSERT INTO admin_session_revocations (nonce, expires_at) VALUES ($1, $2)
ON CONFLICT (nonce) DO NOTHING;
