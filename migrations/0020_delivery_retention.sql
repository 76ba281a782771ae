-- The retention sweep (ingest.deliveryRetention) finds old deliveries without reading the whole
-- table. Rows arrive in received_at order, so a BRIN index is a few pages where a btree would
-- add about as many bytes per delivery as the row's own key.
CREATE INDEX deliveries_received_brin ON deliveries USING brin (received_at);
