-- The source owning a store: the first to name it claims it; later claims read the owner back.
-- DO UPDATE (a no-op) rather than DO NOTHING so the row is returned even when a concurrent
-- first delivery committed it after this statement's snapshot.
--
-- $1 store: the store key
-- $2 source: the source naming it
--
-- Returns one row: source (the owner).
INSERT INTO store_sources (store, source) VALUES ($1, $2)
ON CONFLICT (store) DO UPDATE SET source = store_sources.source
RETURNING source;
