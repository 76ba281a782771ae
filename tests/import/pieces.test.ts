// The importers' pure parts: country names, format detection, and how a reader's order becomes
// rows (returns spread over lines, the customer's key and fields). Money: tests/money/.
import { describe, expect, it } from 'vitest';
import { countryCode } from '../../src/import/country.js';
import { detectCatalogFormat, detectOrdersFormat } from '../../src/import/detect-format.js';
import { toOrderRow } from '../../src/import/import-orders.js';
import { toProductRow } from '../../src/import/import-catalog.js';
import { customerKey } from '../../src/domain/customer-key.js';
import { fixture } from './support.js';

describe('countryCode', () => {
  it.each([
    ['United Kingdom', 'GB'],
    ['EIRE', 'IE'],
    ['USA', 'US'],
    ['RSA', 'ZA'],
    ['Czech Republic', 'CZ'],
    ['Channel Islands', null],
    ['Unspecified', null],
    ['European Community', null],
    ['fr', 'FR'],
    ['', null],
    [undefined, null],
  ])('%s → %s', (name, code) => expect(countryCode(name)).toBe(code));
});

describe('format detection', () => {
  it('orders', async () => {
    expect(await detectOrdersFormat(fixture('online-retail.csv'))).toBe('online-retail');
    expect(await detectOrdersFormat(fixture('online-retail.csv.gz'))).toBe('online-retail');
    expect(await detectOrdersFormat(fixture('shopify-orders.csv'))).toBe('shopify-orders');
    expect(await detectOrdersFormat(fixture('orders.jsonl'))).toBe('canonical-jsonl');
    await expect(detectOrdersFormat(fixture('shopify-products.csv'))).rejects.toThrow(/not a known order history/);
  });
  it('catalogs', async () => {
    expect(await detectCatalogFormat(fixture('shopify-products.csv'))).toBe('shopify-products');
    expect(await detectCatalogFormat(fixture('woocommerce-products.csv'))).toBe('woocommerce-products');
    expect(await detectCatalogFormat(fixture('products.jsonl'))).toBe('canonical-jsonl');
    await expect(detectCatalogFormat(fixture('shopify-orders.csv'))).rejects.toThrow(/not a known catalog/);
  });
});

describe('toOrderRow', () => {
  const base = {
    id: '7',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    currency: 'USD',
    line: 2,
    returns: [],
    lines: [
      { productId: 'P1', title: 'One', quantity: 2, unitPrice: '10.00' },
      { productId: 'P2', title: 'Two', quantity: 1, unitPrice: '4.99' },
      { productId: 'P1', title: 'One again', quantity: 2, unitPrice: '9.00' },
    ],
  };

  it('keys the customer by email, else by id, and keeps extra customer fields a reader gives', () => {
    const r = toOrderRow({
      ...base,
      email: ' Ann@Example.com ',
      customerId: 'C1',
      marketingConsent: true,
      firstName: 'Ann',
      shippingCountry: 'United States',
    });
    if (typeof r === 'string') throw new Error(r);
    expect(r.order).toMatchObject({
      customerKey: customerKey({ email: 'ann@example.com' }),
      total: '42.99',
      shippingCountry: 'US',
      firstLineNo: 1,
    });
    expect(r.customer).toEqual({
      customerKey: r.order.customerKey,
      externalId: 'C1',
      email: 'Ann@example.com',
      firstName: 'Ann',
      lastName: null,
      marketingConsent: true,
    });
    const byId = toOrderRow({ ...base, customerId: 'C1' });
    expect(typeof byId !== 'string' && byId.order.customerKey).toBe(customerKey({ id: 'C1' }));
    const anonymous = toOrderRow(base);
    expect(typeof anonymous !== 'string' && [anonymous.order.customerKey, anonymous.customer]).toEqual([
      null,
      undefined,
    ]);
  });

  it('spreads a return over the lines of its product, first lines first, never beyond what was bought', () => {
    const r = toOrderRow({
      ...base,
      returns: [
        { productId: 'P1', quantity: 3 },
        { productId: 'P2', quantity: 5, amount: '20.00' },
        { productId: 'P9', quantity: 1 },
      ],
    });
    if (typeof r === 'string') throw new Error(r);
    expect(r.order.lines.map((l) => [l.productId, l.returnedQuantity ?? 0, l.returnedAmount ?? '0'])).toEqual([
      ['P1', 2, '20.00'],
      ['P2', 1, '4.00'], // 1 of the 5 units the refund names: a fifth of its amount
      ['P1', 1, '9.00'],
    ]);
    expect(r.order.refundedAmount).toBe('33.00');
  });

  it('an amount the file gives is the refund', () => {
    const r = toOrderRow({ ...base, refundedAmount: '10.00' });
    expect(typeof r !== 'string' && r.order.refundedAmount).toBe('10.00');
  });

  it.each([
    [{ lines: [] }, /no lines/],
    [{ createdAt: new Date('nope') }, /bad createdAt/],
    [{ lines: [{ productId: 'P1', title: 'x', quantity: 1.5, unitPrice: '1.00' }] }, /bad quantity/],
    [{ lines: [{ productId: 'P1', title: 'x', quantity: 1, unitPrice: '1,00' }] }, /bad unit price/],
    [{ lines: [{ productId: 'P1', title: 'x', quantity: 1, unitPrice: '1000000000000.00' }] }, /bad unit price/],
  ])('refuses %j', (over, error) => {
    expect(toOrderRow({ ...base, ...over })).toMatch(error);
  });
});

describe('toProductRow', () => {
  it('drops self and repeated complements and upsells, keeps required', () => {
    expect(
      toProductRow({
        id: 'A',
        title: ' Console ',
        complements: [{ id: 'A' }, { id: 'B', required: true }, { id: 'B' }, { id: 'C' }],
        upsells: ['A', 'D', 'D'],
      }),
    ).toEqual({
      id: 'A',
      title: 'Console',
      complements: [{ id: 'B', required: true }, { id: 'C' }],
      upsells: ['D'],
    });
  });
  it('refuses what products cannot hold', () => {
    expect(toProductRow({ id: 'A', title: '  ' })).toMatch(/missing title/);
    expect(toProductRow({ id: 'A', title: 'x', price: '12,50' })).toMatch(/bad price/);
  });
});
