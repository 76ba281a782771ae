-- What item selection needs to know of one customer (migrations/0007_customer_context.sql).
-- $1 store, $2 customer key, $3 the orders the email serves.
SELECT customer_context($1, $2, $3::text[]) AS context;
