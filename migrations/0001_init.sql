-- Aftercart's record: Postgres is the source of truth, the queue only carries timing.

-- Every accepted webhook delivery, unique per source, so a redelivery is a no-op.
CREATE TABLE deliveries (
  source       text NOT NULL,
  delivery_id  text NOT NULL,
  store        text NOT NULL,
  topic        text NOT NULL,
  event_key    text,
  customer_key text,             -- lets an erasure find the payloads that name a customer
  received_at  timestamptz NOT NULL DEFAULT now(),
  payload      bytea,            -- raw body, kept for ingest.payloadRetention, never logged
  PRIMARY KEY (source, delivery_id)
);
-- Shopify: every delivery of one merchant action shares an event id.
CREATE UNIQUE INDEX deliveries_event_key ON deliveries (source, store, event_key) WHERE event_key IS NOT NULL;

-- One customer per store, keyed by a hash of the lower-cased email (else the platform's id).
CREATE TABLE customers (
  store             text NOT NULL,
  customer_key      text NOT NULL,
  external_id       text,
  email             text,
  first_name        text,
  last_name         text,
  locale            text,
  timezone          text,
  marketing_consent boolean,
  erased_at         timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, customer_key)
);

CREATE TABLE orders (
  store             text NOT NULL,
  order_id          text NOT NULL,
  customer_key      text,
  created_at        timestamptz,          -- null while only a later milestone has arrived
  currency          text,
  shipping_country  text,
  shipping_province text,
  total             numeric(14, 2),
  paid_at           timestamptz,
  fulfilled_at      timestamptz,
  delivered_at      timestamptz,
  cancelled_at      timestamptz,
  refunded_at       timestamptz,
  refunded_amount   numeric(14, 2) NOT NULL DEFAULT 0,
  from_history      boolean NOT NULL DEFAULT false,   -- imported: never schedules an email
  version           integer NOT NULL DEFAULT 1,       -- bumped by every event: latest decision wins
  PRIMARY KEY (store, order_id)
);
CREATE INDEX orders_customer ON orders (store, customer_key, created_at);

CREATE TABLE order_lines (
  store             text NOT NULL,
  order_id          text NOT NULL,
  line_no           integer NOT NULL,
  product_id        text NOT NULL,
  variant_id        text,
  sku               text,
  title             text NOT NULL,
  product_type      text,
  vendor            text,
  tags              text[] NOT NULL DEFAULT '{}',
  quantity          integer NOT NULL,
  unit_price        numeric(14, 2) NOT NULL,
  returned_quantity integer NOT NULL DEFAULT 0,
  returned_amount   numeric(14, 2) NOT NULL DEFAULT 0,
  PRIMARY KEY (store, order_id, line_no)
);
CREATE INDEX order_lines_product ON order_lines (store, product_id);

CREATE TABLE products (
  store        text NOT NULL,
  product_id   text NOT NULL,
  title        text NOT NULL,
  product_type text,
  vendor       text,
  tags         text[] NOT NULL DEFAULT '{}',
  url          text,
  image_url    text,
  price        numeric(14, 2),
  currency     text,
  available    boolean NOT NULL DEFAULT true,
  complements  jsonb NOT NULL DEFAULT '[]',   -- [{ "id": "P3", "required": true }]
  upsells      text[] NOT NULL DEFAULT '{}',  -- never cross-sold as complements
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, product_id)
);
CREATE INDEX products_type ON products (store, lower(product_type));

-- The cross-sell of one order: at most one email per order, ever (the unique key).
CREATE TABLE cross_sells (
  id           bigserial PRIMARY KEY,
  store        text NOT NULL,
  order_id     text NOT NULL,
  customer_key text,
  status       text NOT NULL CHECK (status IN ('waiting', 'scheduled', 'sending', 'sent', 'skipped', 'cancelled', 'failed')),
  reason       text,
  due_at       timestamptz,
  timing       jsonb,            -- the rule, trigger, zone and adjustments behind due_at
  figures      jsonb,            -- eligibility figures at decision time
  items        jsonb,            -- chosen items with source, score, reason and link target
  message_id   text,
  served_by    bigint REFERENCES cross_sells (id),  -- another order's email covered this one
  attempts     integer NOT NULL DEFAULT 0,
  sent_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (store, order_id)
);
CREATE INDEX cross_sells_due ON cross_sells (due_at) WHERE status = 'scheduled';
CREATE INDEX cross_sells_customer ON cross_sells (store, customer_key, status);
CREATE INDEX cross_sells_sent ON cross_sells (store, customer_key, sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE tickets (
  store        text NOT NULL,
  ticket_id    text NOT NULL,
  customer_key text NOT NULL,
  order_id     text,
  opened_at    timestamptz,
  closed_at    timestamptz,
  PRIMARY KEY (store, ticket_id)
);
CREATE INDEX tickets_customer ON tickets (store, customer_key);

-- Unsubscribes, hard bounces and complaints; store '*' suppresses everywhere. Keyed by the
-- address's hash so an erased customer stays suppressed without keeping the address.
CREATE TABLE suppressions (
  store      text NOT NULL,
  email_hash text NOT NULL,
  email      text,
  reason     text NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained', 'manual')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, email_hash)
);

CREATE TABLE clicks (
  id            bigserial PRIMARY KEY,
  cross_sell_id bigint NOT NULL REFERENCES cross_sells (id) ON DELETE CASCADE,
  product_id    text NOT NULL,
  clicked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clicks_cross_sell ON clicks (cross_sell_id);

-- A later order containing a recommended product within the attribution window.
CREATE TABLE conversions (
  cross_sell_id bigint NOT NULL REFERENCES cross_sells (id) ON DELETE CASCADE,
  store         text NOT NULL,
  order_id      text NOT NULL,
  revenue       numeric(14, 2) NOT NULL,
  currency      text,
  converted_at  timestamptz NOT NULL,
  PRIMARY KEY (cross_sell_id, order_id)
);

-- Learned co-purchase neighbours (rebuilt from the store's orders).
CREATE TABLE copurchase (
  store      text NOT NULL,
  product_id text NOT NULL,
  neighbour  text NOT NULL,
  support    integer NOT NULL,
  confidence double precision NOT NULL,
  lift       double precision NOT NULL,
  score      double precision NOT NULL,
  PRIMARY KEY (store, product_id, neighbour)
);
