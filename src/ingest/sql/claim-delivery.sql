-- Claims a delivery on its own, for events whose write is a separate statement in the same
-- transaction. No row back: a delivery seen before.
--
-- $1 source: shopify, woocommerce or events
-- $2 deliveryId: the platform's delivery id
-- $3 store: the store key
-- $4 topic: the platform's topic
-- $5 eventKey: the event's own id, or null
-- $6 payload: the raw bytes kept, or null
-- $7 customerKey: the customer the delivery names, or null
--
-- Returns one row when claimed; none for a delivery seen before.
INSERT INTO deliveries (source, delivery_id, store, topic, event_key, customer_key, payload)
VALUES ($1, $2, $3, $4, $5, $7, $6)
ON CONFLICT DO NOTHING
RETURNING 1;
