-- ingest.payloadRetention: raw payloads older than the retention are dropped (the delivery's
-- record stays, so a redelivery is still a duplicate).
--
-- $1 retentionMs: how long a payload is kept, in ms
--
-- Returns nothing (the row count is how many were dropped).
UPDATE deliveries SET payload = NULL
 WHERE payload IS NOT NULL AND received_at < now() - make_interval(secs => $1::bigint / 1000);
