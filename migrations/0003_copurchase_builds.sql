-- When each store's co-purchase table was last rebuilt: processes holding the model in
-- memory reload it when this moves.
CREATE TABLE copurchase_builds (
  store    text PRIMARY KEY,
  built_at timestamptz NOT NULL DEFAULT now(),
  rows     integer NOT NULL
);
