-- Whether a session (by its cookie's nonce) was signed out.
--
-- $1 nonce: the session cookie's nonce
--
-- Returns one row when it was signed out, none otherwise.
SELECT 1 FROM admin_session_revocations WHERE nonce = $1;
