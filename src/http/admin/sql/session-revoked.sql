-- Whether a session (by its cookie's nonce) was signed out.
SELECT 1 FROM admin_session_revocations WHERE nonce = $1;
