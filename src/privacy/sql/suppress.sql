-- Suppresses an address for a store, under the one policy on which reason a suppression keeps
-- when its address is suppressed again (src/privacy/suppressions.ts): an unsubscribe replaces
-- any other reason; otherwise the reason first recorded stays. The stored address and
-- created_at never change (an erased customer's row stays hash-only).
--
-- $1 store: the store key, or '*' for every store
-- $2 emailHash: emailHash() of the address (src/domain/customer-key.ts)
-- $3 email: the address, lower-cased (listed by the admin; nulled by an erasure)
-- $4 reason: unsubscribed, bounced, complained or manual
--
-- Returns one row: reason (the suppression's reason now) and created (the row is new). No row
-- only when a concurrent transaction inserted it after this statement's snapshot.
WITH upsert AS (
  INSERT INTO suppressions (store, email_hash, email, reason)
  VALUES ($1, $2, $3, $4)
  ON CONFLICT (store, email_hash) DO UPDATE SET reason = excluded.reason
  WHERE excluded.reason = 'unsubscribed' AND suppressions.reason <> 'unsubscribed'
  RETURNING reason, (xmax = 0) AS created
)
SELECT reason, created FROM upsert
UNION ALL
SELECT reason, false FROM suppressions
 WHERE store = $1 AND email_hash = $2 AND NOT EXISTS (SELECT 1 FROM upsert);
