-- Gives cross-sell $2 one unused code of store $1's pool, expiring at $3: the code it already
-- has (a retried job), else the oldest free one. SKIP LOCKED: two workers never take the same
-- code, and neither waits for the other. No row: the pool is empty.
--
-- $1 store: the store key
-- $2 crossSellId: the email taking the code
-- $3 expiresAt: when the code stops counting (timestamptz)
--
-- Returns zero rows (the pool is empty) or one: code.
WITH mine AS (
  SELECT code FROM offer_codes WHERE cross_sell_id = $2
), free AS (
  SELECT store, code FROM offer_codes
   WHERE store = $1 AND source = 'pool' AND issued_at IS NULL AND NOT EXISTS (SELECT 1 FROM mine)
   ORDER BY created_at, code
   LIMIT 1
   FOR UPDATE SKIP LOCKED
), taken AS (
  UPDATE offer_codes o SET cross_sell_id = $2, issued_at = now(), expires_at = $3
    FROM free WHERE o.store = free.store AND o.code = free.code
  RETURNING o.code
)
SELECT code FROM mine UNION ALL SELECT code FROM taken;
