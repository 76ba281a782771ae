// The discount codes an order used, as each platform sends them (Shopify discount_codes[].code,
// WooCommerce coupon_lines[].code): the real fixtures with a code added, mapped to discountCodes.
import { describe, expect, it } from 'vitest';
import { shopify } from '../../src/ingest/sources/shopify.js';
import { parseWooCommerce } from '../../src/ingest/sources/woocommerce.js';
import { fixture, shopifyHeaders, wooHeaders } from '../ingest/sources/support.js';

const json = (name: string) => JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;

describe('discount codes on orders', () => {
  it('Shopify discount_codes[].code → discountCodes; none → absent', () => {
    const codes = (raw: string) => {
      const { events } = shopify.parse(Buffer.from(raw), shopifyHeaders('orders/create') as never);
      return (events.find((e) => e.type === 'order.created') as { data: { order: { discountCodes?: string[] } } }).data
        .order.discountCodes;
    };
    const raw = fixture('shopify-orders-create.json').toString('utf8');
    expect(codes(raw)).toBeUndefined();
    expect(raw).toContain('"discount_codes": []');
    expect(
      codes(
        raw.replace(
          '"discount_codes": []',
          '"discount_codes": [{"code": "BUNDLE-7QX2K9ABCD", "amount": "13.50", "type": "percentage"}]',
        ),
      ),
    ).toEqual(['BUNDLE-7QX2K9ABCD']);
  });

  it('WooCommerce coupon_lines[].code → discountCodes', () => {
    const body = json('woocommerce-order-created.json');
    body.coupon_lines = [{ id: 5, code: 'bundle-7qx2k9abcd', discount: '13.50' }];
    const raw = Buffer.from(JSON.stringify(body));
    const { events } = parseWooCommerce(raw, wooHeaders('order.created') as never, new Date('2026-11-30T12:00:00Z'));
    const created = events.find((e) => e.type === 'order.created') as { data: { order: { discountCodes?: string[] } } };
    expect(created.data.order.discountCodes).toEqual(['bundle-7qx2k9abcd']);
  });
});
