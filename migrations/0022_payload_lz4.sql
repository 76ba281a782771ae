-- Raw payloads compressed with LZ4 where the server has it: a 15 kB Shopify order is kept in
-- under 4 kB, a quarter of the WAL, disk and fsync each webhook cost (LZ4 takes some 20 µs for it;
-- pglz, five times as long, was why 0004 stored them uncompressed). The embedded database has
-- no LZ4 and keeps them as 0004 left them. Rows written before keep their form.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE deliveries ALTER COLUMN payload SET STORAGE EXTENDED;
    ALTER TABLE deliveries ALTER COLUMN payload SET COMPRESSION lz4;
  END IF;
END $$;
