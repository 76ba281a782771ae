import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readShopifyProductsCsv, readWooProductsCsv, type ProductRecord } from '../../../src/import/readers/index.js';

const dir = join(import.meta.dirname, 'fixtures');

async function collect(gen: AsyncGenerator<ProductRecord>) {
  const out: ProductRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

describe('readShopifyProductsCsv', () => {
  it('folds variant and image rows into one product per handle', async () => {
    const out = await collect(
      readShopifyProductsCsv(join(dir, 'shopify-products.csv'), { storeUrl: 'https://shop.example/', currency: 'USD' }),
    );
    const ok = new Map(out.flatMap((r) => (r.ok ? [[r.product.id, r] as const] : [])));
    expect([...ok.keys()]).toEqual(['console-x', 'controller', 'old-game', 'draft-thing', 'cable']);
    expect(ok.get('console-x')).toEqual({
      ok: true,
      line: 2,
      skus: ['CX-1'],
      product: {
        id: 'console-x',
        title: 'Console X',
        productType: 'Video Game Console',
        vendor: 'Acme',
        tags: ['console', 'new'],
        url: 'https://shop.example/products/console-x',
        imageUrl: 'https://cdn.example/cx.png',
        currency: 'USD',
        price: '399.00',
        available: true,
      },
    });
    // Type blank: the category leaf; price: the cheapest variant; in stock through the Blue variant.
    expect(ok.get('controller')!.ok && ok.get('controller')).toMatchObject({
      skus: ['CTRL-R', 'CTRL-B'],
      product: { productType: 'Game Controllers', price: '54.99', available: true },
    });
    expect(ok.get('old-game')).toMatchObject({ product: { available: false } }); // tracked, 0 left, deny
    expect(ok.get('draft-thing')).toMatchObject({ product: { available: false } }); // draft
    expect(ok.get('cable')).toMatchObject({ product: { available: true, price: '12.00' } }); // untracked inventory
  });

  it('reports bad rows with line numbers (a multi-line HTML body does not shift them)', async () => {
    const out = await collect(readShopifyProductsCsv(join(dir, 'shopify-products.csv')));
    const bad = out.filter((r) => !r.ok);
    expect(bad).toEqual([
      { ok: false, line: 9, error: 'product bad-price: bad Variant Price "abc" on line 9' },
      { ok: false, line: 10, error: 'missing Handle' },
    ]);
  });
});

describe('readWooProductsCsv', () => {
  it('maps cross-sells to complements and upsells to upsells, resolving SKUs and id: references', async () => {
    const out = await collect(readWooProductsCsv(join(dir, 'woo-products.csv'), { currency: 'EUR' }));
    const ok = new Map(out.flatMap((r) => (r.ok ? [[r.product.id, r.product] as const] : [])));
    expect([...ok.keys()]).toEqual(['10', '11', '12', '13', '17']);
    expect(ok.get('10')).toEqual({
      id: '10',
      title: 'Camera',
      productType: 'Cameras',
      tags: ['photo', 'camera'],
      imageUrl: 'https://shop.example/cam.jpg',
      price: '499.00',
      currency: 'EUR',
      available: true,
      complements: [{ id: '12' }, { id: '13' }],
      upsells: ['11'],
    });
    expect(ok.get('11')!.price).toBe('849.00'); // sale price wins
    expect(ok.get('12')!.available).toBe(false); // In stock? 0
    // Variable product: cheapest variation price, in stock when any variation is.
    expect(ok.get('13')).toMatchObject({ price: '39.00', available: true, productType: 'Bags' });
    expect(ok.get('17')!.available).toBe(false); // draft (-1)
  });

  it('reports bad rows with line numbers', async () => {
    const out = await collect(readWooProductsCsv(join(dir, 'woo-products.csv')));
    expect(out.filter((r) => !r.ok)).toEqual([
      { ok: false, line: 8, error: 'bad ID "abc"' },
      { ok: false, line: 9, error: 'product 16: bad price "ten"' },
    ]);
  });
});
