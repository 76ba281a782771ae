-- Deliveries arrive late and out of order: a customer's facts (address, names, locale, time zone)
-- and consent change only for a payload newer than the one that set them, by the payload's own
-- time. `facts_at` dates the facts, `consent_at` the consent (Shopify's consent_updated_at when
-- given); null: set by undated payloads only (canonical events without customer.updatedAt, imports).
ALTER TABLE customers ADD COLUMN facts_at timestamptz, ADD COLUMN consent_at timestamptz;

-- One fact: a newer payload (or any, while no dated payload set the facts) wins; an older or
-- undated one, or one of the same time (a tie keeps the stored value), only fills what is unknown.
CREATE FUNCTION newest_fact(stored anyelement, incoming anyelement, stored_at timestamptz, incoming_at timestamptz)
RETURNS anyelement LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN stored_at IS NULL OR incoming_at > stored_at THEN coalesce(incoming, stored)
              ELSE coalesce(stored, incoming) END
$fn$;

-- Consent likewise, except that an undated withdrawal always applies: without a time we cannot
-- tell which is newer, and no consent is the safe answer.
CREATE FUNCTION newest_consent(stored boolean, incoming boolean, stored_at timestamptz, incoming_at timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN incoming_at IS NULL AND incoming = false THEN false
              ELSE newest_fact(stored, incoming, stored_at, incoming_at) END
$fn$;
