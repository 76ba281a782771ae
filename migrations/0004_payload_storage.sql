-- Raw payloads are kept briefly and read rarely: store them out of line without compressing
-- them, which saves CPU on every webhook.
ALTER TABLE deliveries ALTER COLUMN payload SET STORAGE EXTERNAL;
-- The retention sweep finds expired payloads without reading the whole table.
CREATE INDEX deliveries_payload_age ON deliveries (received_at) WHERE payload IS NOT NULL;
