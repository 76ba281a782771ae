-- Bundle offers (issue #18): unique, single-use, expiring discount codes per email, the offer
-- each cross-sell made (or why none), exact attribution of orders that used a code, and the
-- variant a cart link adds for a product.

-- The variant a cart permalink adds (Shopify: the first available variant).
ALTER TABLE products ADD COLUMN IF NOT EXISTS variant_id text;

-- What the email offered: { status: 'offered', code, source, expiresAt, ... } or
-- { status: 'none', reason } (pool empty, API error...); explain shows it.
ALTER TABLE cross_sells ADD COLUMN IF NOT EXISTS offer jsonb;

-- A conversion found by the order's discount code rather than the attribution window.
ALTER TABLE conversions ADD COLUMN IF NOT EXISTS via_code text;

-- Codes: imported into a store's pool (free until issued_at), or created through a store's API
-- for one email. Codes compare case-insensitively, as stores treat them.
CREATE TABLE IF NOT EXISTS offer_codes (
  store         text NOT NULL,
  code          text NOT NULL,
  source        text NOT NULL CHECK (source IN ('pool', 'shopify', 'woocommerce')),
  cross_sell_id bigint,
  issued_at     timestamptz,
  expires_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS offer_codes_code ON offer_codes (store, upper(code));
-- One code per email, even when two workers race for the same cross-sell.
CREATE UNIQUE INDEX IF NOT EXISTS offer_codes_cross_sell ON offer_codes (cross_sell_id) WHERE cross_sell_id IS NOT NULL;
-- The free codes of a pool, oldest first (what an email takes).
CREATE INDEX IF NOT EXISTS offer_codes_free ON offer_codes (store, created_at, code) WHERE issued_at IS NULL;
