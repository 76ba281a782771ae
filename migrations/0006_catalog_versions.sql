-- Item selection keeps each store's catalog in memory, as it keeps the co-purchase model, and
-- learns what changed from a per-store version: every write to `products` takes the store's
-- next version (once per transaction) and stamps the rows it writes. The version row stays
-- locked until that transaction commits, so versions commit in order and "rows with a version
-- above mine" never skips one. Deleting products bumps `epoch`: readers reload everything.
-- Triggers, so no write path (webhooks, catalog imports, SQL by hand) can forget it.
CREATE TABLE catalog_versions (
  store   text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 0,
  epoch   bigint NOT NULL DEFAULT 0
);

ALTER TABLE products ADD COLUMN version bigint NOT NULL DEFAULT 0;
CREATE INDEX products_version ON products (store, version);
-- What exists now is version 1 of each store's catalog.
INSERT INTO catalog_versions (store, version) SELECT DISTINCT store, 1 FROM products;
UPDATE products SET version = 1;

CREATE FUNCTION catalog_version_for_write(for_store text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  -- Transaction-local (set_config(..., true)): the version this transaction already took.
  setting text := 'aftercart.catalog_version_' || md5(for_store);
  taken text := current_setting(setting, true);
  version_now bigint;
BEGIN
  IF taken IS NOT NULL AND taken <> '' THEN
    RETURN taken::bigint;
  END IF;
  INSERT INTO catalog_versions AS c (store, version) VALUES (for_store, 1)
  ON CONFLICT (store) DO UPDATE SET version = c.version + 1
  RETURNING c.version INTO version_now;
  PERFORM set_config(setting, version_now::text, true);
  RETURN version_now;
END $$;

CREATE FUNCTION products_stamp_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := catalog_version_for_write(NEW.store);
  RETURN NEW;
END $$;

CREATE TRIGGER products_version BEFORE INSERT OR UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION products_stamp_version();

CREATE FUNCTION products_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_versions AS c (store, epoch) SELECT DISTINCT store, 1 FROM gone
  ON CONFLICT (store) DO UPDATE SET epoch = c.epoch + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER products_deleted AFTER DELETE ON products
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION products_deleted();
