-- A help-desk ticket opened or closed; the earliest open and latest close are kept.
--
-- $1 store: the store key
-- $2 ticketId: the help desk's ticket id
-- $3 customerKey: the customer key, or null
-- $4 orderId: the order it is about, or null
-- $5 openedAt: when it was opened, or null
-- $6 closedAt: when it was closed, or null
--
-- Returns nothing.
INSERT INTO tickets (store, ticket_id, customer_key, order_id, opened_at, closed_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (store, ticket_id) DO UPDATE SET
  order_id  = coalesce(tickets.order_id, excluded.order_id),
  opened_at = least(tickets.opened_at, excluded.opened_at),
  closed_at = greatest(tickets.closed_at, excluded.closed_at);
