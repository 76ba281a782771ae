-- The customer keys an erasure request removed, so that re-importing an old order history does
-- not bring the person back: an imported customer with such a key is not written, and their
-- imported orders stay anonymous. A key is a hash (see src/ingest/customer-key.ts), never the
-- address. New orders by webhook are a new relationship and are recorded as usual.
CREATE TABLE erasures (
  store        text NOT NULL,
  customer_key text NOT NULL,
  erased_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, customer_key)
);
