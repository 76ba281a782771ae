-- Addresses kept only to recognise them later (customer keys 'e-…', suppressions, erasure
-- tombstones) are hashed with a key of the install (HMAC, src/ingest/customer-key.ts), so a dump
-- cannot be tested against guessed addresses. The key derives from LINK_SECRET and is never
-- stored: this one row holds its fingerprint, so a process started with another secret refuses
-- to start instead of losing every customer's history and suppressions (src/privacy/address-key.ts).
-- 'sha256': the rows predate this migration and hold bare sha256 hashes; the first start with the
-- key re-keys them (the keyed hash is an HMAC of the bare one, so no address is needed).
CREATE TABLE address_keys (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  fingerprint text NOT NULL,
  keyed_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO address_keys (fingerprint)
SELECT 'sha256'
WHERE EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM orders WHERE customer_key IS NOT NULL)
   OR EXISTS (SELECT 1 FROM suppressions) OR EXISTS (SELECT 1 FROM erasures) OR EXISTS (SELECT 1 FROM tickets)
   OR EXISTS (SELECT 1 FROM deliveries WHERE customer_key IS NOT NULL);
