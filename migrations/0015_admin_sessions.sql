-- Admin sessions signed out before they expire (issue 16). The session cookie is stateless (a
-- MAC'd issue time and nonce, src/http/admin/auth.ts), so signing out records its nonce here and
-- every process refuses it from then on, across restarts. A row is useless once the session
-- would have expired anyway (expires_at) and is pruned at the next sign-out.
CREATE TABLE admin_session_revocations (
  nonce      text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
