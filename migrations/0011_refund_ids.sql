-- A refund counts once per platform refund id: the same refund delivered again under a new
-- delivery id (a new webhook, or WooCommerce's order.updated repeating its `refunds` list) is
-- ignored by record-refund.sql. Refunds without an id are not listed here and count as before.
CREATE TABLE order_refunds (
  store       text NOT NULL,
  order_id    text NOT NULL,
  refund_id   text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, order_id, refund_id)
);

-- The source (shopify, woocommerce, events) whose signed delivery first named a store: another
-- source's secret never speaks for it (answered 403). Ownership never changes, so receivers
-- cache it; it outlives a store erasure (no personal data) so an erased store cannot be taken.
CREATE TABLE store_sources (
  store      text PRIMARY KEY,
  source     text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);

-- Stores already known: owned by the source of their earliest delivery. Help-desk tickets on
-- the events route name a platform's store without owning it (see src/ingest/store-owners.ts).
INSERT INTO store_sources (store, source, claimed_at)
SELECT DISTINCT ON (store) store, source, received_at
FROM deliveries
WHERE store <> '' AND NOT (source = 'events' AND topic IN ('ticket.opened', 'ticket.closed'))
ORDER BY store, received_at, source;
