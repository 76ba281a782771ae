-- What item selection needs to know of one customer (migrations/0007_customer_context.sql).
--
-- $1 store: the store key
-- $2 customerKey: the customer key
-- $3 orderIds: text[], the orders the email serves
--
-- Returns one row: context (json).
SELECT customer_context($1, $2, $3::text[]) AS context;
