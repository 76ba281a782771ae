-- What the SMTP server last answered for a send (addresses redacted): a retrying send shows it
-- with its attempt count, a failed one shows why.
ALTER TABLE cross_sells ADD COLUMN last_reply text;
