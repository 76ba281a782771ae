-- A customer's figures as of $7 (now): customer_figures(), migrations/0009_customer_figures.sql.
-- $1 store, $2 customer_key, $3 email hash, $4 returns lookback (ms), $5 service lookback (ms),
-- $6 cap window (ms), $7 now, $8 suppression is global.
SELECT customer_figures($1, $2, $3, $4, $5, $6, $7, $8) AS figures;
