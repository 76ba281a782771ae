// The pure parts of bundle offers: pricing (percent, amount, minItems, currency), the expiry as
// the customer reads it, cart links per platform, the config forms and the pool file format.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { formatDateTime } from '../../src/mail/format.js';
import { priceBundle } from '../../src/offers/bundle.js';
import { cartLinks, cartTarget } from '../../src/offers/cart-link.js';
import { codeName } from '../../src/offers/codes/code-name.js';
import { parseCodeFile } from '../../src/offers/codes/code-file.js';
import { parseShopifyTokens, parseWooKeys } from '../../src/offers/credentials.js';

const items = [
  { productId: 'G', title: 'Game', price: '59.99', currency: 'USD' },
  { productId: 'C', title: 'Cable', price: '14.99', currency: 'USD', required: true },
  { productId: 'X', title: 'Euro thing', price: '5.00', currency: 'EUR' },
  { productId: 'N', title: 'No price' },
];

describe('priceBundle', () => {
  it.each([
    [
      { percent: 10, minItems: 2 },
      { total: '74.98', saving: '7.50', discounted: '67.48' },
    ],
    [
      { percent: 12.5, minItems: 2 },
      { total: '74.98', saving: '9.37', discounted: '65.61' },
    ],
    [
      { amount: '5.00', minItems: 2 },
      { total: '74.98', saving: '5.00', discounted: '69.98' },
    ],
    [
      { amount: '100.00', minItems: 2 },
      { total: '74.98', saving: '74.98', discounted: '0.00' },
    ],
  ])('%j → %j, the required accessory first, other currencies and missing prices left out', (offer, expected) => {
    const v = priceBundle(items, offer, 'USD');
    expect(v.ok && v.pricing).toMatchObject(expected);
    expect(v.ok && v.pricing.items.map((i) => i.productId)).toEqual(['C', 'G']);
  });

  it('fewer priced items than minItems: no bundle', () => {
    expect(priceBundle(items, { percent: 10, minItems: 3 }, 'USD')).toEqual({ ok: false, reason: 'too_few_items' });
    expect(priceBundle(items.slice(0, 1), { percent: 10, minItems: 2 }, 'USD')).toEqual({
      ok: false,
      reason: 'too_few_items',
    });
  });
});

describe('the expiry in the customer’s zone and locale', () => {
  const at = new Date('2024-12-06T23:59:00Z');
  it.each([
    ['en-GB', 'Europe/London', 'Friday 6 December, 23:59'],
    ['de-DE', 'Europe/Berlin', 'Samstag, 7. Dezember, 00:59'],
    ['en-US', 'America/New_York', 'Friday, December 6, 6:59 PM'],
    ['en-GB', 'Not/AZone', 'Friday 6 December, 23:59'],
  ])('%s in %s: %s', (locale, zone, expected) => {
    expect(formatDateTime(at, zone, locale).replace(/[\u202f\u00a0]/g, ' ')).toBe(expected);
  });
});

describe('cart links', () => {
  const shop = 'https://demo.myshopify.com';
  const bundle = [
    { productId: '10', variantId: '4001', url: `${shop}/products/cable` },
    { productId: '11', variantId: '4002', url: `${shop}/products/game` },
  ];

  it('Shopify with variants: the cart permalink with both variants and the code', () => {
    const links = cartLinks('shopify', shop, bundle, 'BUNDLE-7QX2');
    const u = new URL(links.withCode);
    expect(u.origin).toBe(shop);
    expect(u.pathname).toBe('/cart/4001:1,4002:1');
    expect(
      decodeURIComponent(u.pathname)
        .split('/')[2]!
        .split(',')
        .map((l) => l.split(':')),
    ).toEqual([
      ['4001', '1'],
      ['4002', '1'],
    ]);
    expect(u.searchParams.get('discount')).toBe('BUNDLE-7QX2');
    expect(links.withoutCode).toBe(`${shop}/products/cable`);
  });

  it('Shopify without a variant: the discount link that redirects to the first product', () => {
    const links = cartLinks('shopify', shop, [{ ...bundle[0]!, variantId: null }, bundle[1]!], 'B 1');
    expect(links.withCode).toBe(`${shop}/discount/B%201?redirect=%2Fproducts%2Fcable`);
  });

  it('WooCommerce: the first product’s add-to-cart URL; others: the product page with the code', () => {
    expect(
      cartLinks('woocommerce', 'https://woo.example', [{ productId: '77', url: 'https://woo.example/p/77' }], 'C')
        .withCode,
    ).toBe('https://woo.example/?add-to-cart=77&quantity=1');
    expect(
      cartLinks('events', 'https://s.example', [{ productId: 'P', url: 'https://s.example/p/P' }], 'C').withCode,
    ).toBe('https://s.example/p/P?discount=C');
  });

  it('after expiry the link without the code', () => {
    const links = { withCode: 'a', withoutCode: 'b' };
    const now = new Date('2026-12-01T00:00:00Z');
    expect(cartTarget(links, '2026-12-01T00:00:01Z', now)).toBe('a');
    expect(cartTarget(links, '2026-12-01T00:00:00Z', now)).toBe('b');
    expect(cartTarget(links, null, now)).toBe('a');
  });
});

describe('recommend.bundle config', () => {
  it('today’s static form { percent, code } still reads, as a static code source', () => {
    expect(parseConfig({ recommend: { bundle: { percent: 10, code: 'TEN' } } }).recommend.bundle).toEqual({
      percent: 10,
      minItems: 2,
      validFor: 72 * 3_600_000,
      codes: { source: 'static', code: 'TEN' },
      prefix: 'BUNDLE-',
    });
  });

  it('the new form, and one line naming a bad field', () => {
    const b = parseConfig({
      recommend: {
        bundle: { amount: '5.00', minItems: 3, validFor: '48h', codes: { source: 'shopify' }, prefix: 'AC-' },
      },
    });
    expect(b.recommend.bundle).toMatchObject({
      amount: '5.00',
      minItems: 3,
      validFor: 48 * 3_600_000,
      codes: { source: 'shopify' },
    });
    expect(() =>
      parseConfig({ recommend: { bundle: { percent: 10, amount: '5.00', codes: { source: 'pool' } } } }),
    ).toThrow(/percent or amount/);
    expect(() =>
      parseConfig({ recommend: { bundle: { percent: 10, codes: { source: 'coupons' } } } } as never),
    ).toThrow(/recommend\.bundle/);
  });
});

describe('codes and credentials', () => {
  it('a made code is the prefix and ten unambiguous characters, the same for the same key', () => {
    const a = codeName('BUNDLE-', 'k3Jd9Qm2xAw8LpTb7Vn3zz');
    expect(a).toMatch(/^BUNDLE-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(codeName('BUNDLE-', 'k3Jd9Qm2xAw8LpTb7Vn3zz')).toBe(a);
    expect(codeName('BUNDLE-', 'x3Jd9Qm2xAw8LpTb7Vn3zz')).not.toBe(a);
  });

  it('pool files: one a line, or a CSV with a code column; bad lines named', () => {
    expect(parseCodeFile('A1\n\nB2\r\nbad code\n')).toEqual({
      codes: ['A1', 'B2'],
      bad: [{ line: 4, error: 'not a code (spaces, or over 255 characters)' }],
    });
    expect(parseCodeFile('id,Code,uses\n1,"X,1",0\n2,,0\n')).toEqual({
      codes: ['X,1'],
      bad: [{ line: 3, error: 'no code' }],
    });
  });

  it('per-store credentials from the environment', () => {
    expect(parseShopifyTokens('A.myshopify.com=shpat_1 b.myshopify.com=shpat_2')).toEqual(
      new Map([
        ['a.myshopify.com', 'shpat_1'],
        ['b.myshopify.com', 'shpat_2'],
      ]),
    );
    expect(parseWooKeys('woo.example=ck_1:cs_2').get('woo.example')).toEqual({ key: 'ck_1', secret: 'cs_2' });
    expect(() => parseWooKeys('woo.example=ck_1')).toThrow(/consumer_key:consumer_secret/);
  });
});
