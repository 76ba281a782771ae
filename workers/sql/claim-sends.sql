-- The claims of sends that arrived together (send-writes.ts), in one statement and one commit:
-- claim-send.sql for each of them. Only a scheduled row can be claimed; each claim's lease
-- ($2 ms) says how long it stands if its worker dies before DATA; `attempts` is its token.
-- The caller lists each id once.
--
-- $1 claims: json, [{ "id", "items", "figures" }], items and figures as they are stored
-- $2 leaseMs: how long each claim stands, in ms
--
-- Returns one row (id, attempts) per claimed cross-sell; none for one that was not scheduled.
UPDATE cross_sells x SET status = 'sending', attempts = x.attempts + 1, items = c.items, figures = c.figures,
       lease_until = now() + make_interval(secs => $2::double precision / 1000), data_started_at = NULL, updated_at = now()
FROM json_to_recordset($1::json) AS c(id bigint, items jsonb, figures jsonb)
WHERE x.id = c.id AND x.status = 'scheduled'
RETURNING x.id::text AS id, x.attempts;
