-- Erasure: the raw payloads kept for ingest.payloadRetention that name the customer, whatever
-- their topic (fulfilments, refunds, unsubscribes, an order under an old address): by key, by an
-- address of the customer in their text, or by one of its order or customer ids as a whole token
-- (regular expressions on the lower-cased text). Non-ASCII bytes read as \ooo escapes.
--
-- $1 store: the store key
-- $2 customerKeys: text[], every key the customer had
-- $3 emails: text[], every address it had
-- $4 idPatterns: text[], regular expressions for its ids (idPatterns(), src/privacy/identity.ts)
--
-- Returns nothing.
UPDATE deliveries d SET payload = NULL, customer_key = NULL
WHERE d.store = $1 AND (d.customer_key = ANY($2::text[]) OR (d.payload IS NOT NULL AND EXISTS (
  SELECT 1 FROM (SELECT lower(encode(d.payload, 'escape')) AS body) p
  WHERE EXISTS (SELECT 1 FROM unnest($3::text[]) a WHERE strpos(p.body, lower(encode(convert_to(a, 'UTF8'), 'escape'))) > 0)
     OR EXISTS (SELECT 1 FROM unnest($4::text[]) re WHERE p.body ~ re))));
