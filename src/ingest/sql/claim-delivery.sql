-- Claims a delivery on its own, for events whose write is a separate statement in the same
-- transaction. No row back: a delivery seen before.
INSERT INTO deliveries (source, delivery_id, store, topic, event_key, customer_key, payload)
VALUES ($1, $2, $3, $4, $5, $7, $6)
ON CONFLICT DO NOTHING
RETURNING 1;
