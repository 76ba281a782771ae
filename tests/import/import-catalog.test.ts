// importCatalog against real Postgres: Shopify and WooCommerce product CSVs and canonical JSON
// lines; complements and upsells; bad rows with their line numbers; idempotent upserts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importCatalog } from '../../src/import/import-catalog.js';
import { missing, tempDir } from '../support/services.js';
import { fingerprint, fixture, migratedPool } from './support.js';

const skip = missing('postgres');

describe.skipIf(skip)('importCatalog', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await migratedPool();
    pool = db.pool;
  });
  afterAll(async () => db?.close());

  const products = async (store: string) =>
    (
      await pool.query(
        `SELECT product_id, title, product_type, vendor, tags, url, image_url, price::text, currency, available, complements, upsells
         FROM products WHERE store = $1 ORDER BY product_id`,
        [store],
      )
    ).rows;

  it('Shopify product CSV: one product per handle, complements from the metafield column, bad rows by line', async () => {
    const progress: number[] = [];
    const r = await importCatalog(pool, 'shop', fixture('shopify-products.csv'), {
      storeUrl: 'https://shop.example/',
      onProgress: (p) => progress.push(p.imported),
    });
    expect(r.format).toBe('shopify-products');
    expect(r.imported).toBe(3);
    // The first product's description spans two lines, so later rows sit one line lower.
    expect(r.failed.map((f) => f.line)).toEqual([8, 9]);
    expect(r.failed[0]!.error).toMatch(/Variant Price "twelve"/);
    expect(r.failed[1]!.error).toMatch(/missing Title/);
    expect(progress.at(-1)).toBe(3);
    expect(await products('shop')).toEqual([
      {
        product_id: 'console-x',
        title: 'Console X',
        product_type: 'Video Game Console',
        vendor: 'Acme',
        tags: ['console', 'gaming'],
        url: 'https://shop.example/products/console-x',
        image_url: 'https://cdn.example/cx.png',
        price: '399.00',
        currency: null,
        available: true,
        complements: [{ id: 'hdmi-cable' }, { id: 'pro-controller' }],
        upsells: [],
      },
      {
        product_id: 'hdmi-cable',
        title: 'HDMI 2.1 Cable',
        product_type: 'Cable',
        vendor: 'Acme',
        tags: ['cable'],
        url: 'https://shop.example/products/hdmi-cable',
        image_url: null,
        price: '19.99',
        currency: null,
        available: true,
        complements: [],
        upsells: [],
      },
      {
        product_id: 'pro-controller',
        title: 'Pro Controller',
        product_type: 'Controller',
        vendor: 'Acme',
        tags: [],
        url: 'https://shop.example/products/pro-controller',
        image_url: null,
        price: '69.99',
        currency: null,
        available: false,
        complements: [],
        upsells: [],
      },
    ]);
  });

  it('WooCommerce product CSV: Cross-sells → complements and Upsells → upsells, SKUs resolved to ids', async () => {
    const r = await importCatalog(pool, 'woo', fixture('woocommerce-products.csv'), { currency: 'EUR' });
    expect(r.format).toBe('woocommerce-products');
    expect(r.imported).toBe(5);
    expect(r.failed).toEqual([
      { line: 8, error: expect.stringMatching(/bad ID "x1"/) },
      { line: 9, error: expect.stringMatching(/bad price "abc"/) },
    ]);
    const rows = Object.fromEntries((await products('woo')).map((p) => [p.product_id, p]));
    expect(Object.keys(rows)).toEqual(['10', '11', '12', '13', '14']);
    expect(rows['10']).toMatchObject({
      title: 'Console X',
      product_type: 'Consoles',
      tags: ['console', 'gaming'],
      price: '399.00',
      currency: 'EUR',
      available: true,
      complements: [{ id: '11' }, { id: '12' }],
      upsells: ['13'],
    });
    expect(rows['13']).toMatchObject({ complements: [{ id: '11' }], upsells: [] });
    // Sale price wins; out of stock is unavailable; a variable product takes its variation's price.
    expect(rows['12']).toMatchObject({ price: '59.99', available: false });
    expect(rows['14']).toMatchObject({ title: 'T-shirt', price: '15.00', available: true });
  });

  it('canonical JSON lines: bare products and product.upserted events; bad lines reported', async () => {
    const r = await importCatalog(pool, 'canon', fixture('products.jsonl'));
    expect(r.format).toBe('canonical-jsonl');
    expect(r.imported).toBe(3);
    expect(r.failed.map((f) => f.line)).toEqual([3, 4, 5]);
    expect(r.failed[0]!.error).toMatch(/title/);
    expect(r.failed[2]!.error).toMatch(/not JSON/);
    const rows = Object.fromEntries((await products('canon')).map((p) => [p.product_id, p]));
    expect(rows['P1']).toMatchObject({
      complements: [{ id: 'P3', required: true }, { id: 'P2' }],
      upsells: ['P5'],
      available: true,
      price: '399.00',
    });
    expect(rows['P2']).toMatchObject({ title: 'Space Quest', available: true, complements: [], upsells: [] });
    expect(rows['P3']).toMatchObject({ title: 'HDMI 2.1 Cable', available: false });
  });

  it('re-importing any of the files changes nothing (not even updated_at)', async () => {
    const before = await fingerprint(pool);
    await importCatalog(pool, 'shop', fixture('shopify-products.csv'), { storeUrl: 'https://shop.example/' });
    await importCatalog(pool, 'woo', fixture('woocommerce-products.csv'), { currency: 'EUR' });
    await importCatalog(pool, 'canon', fixture('products.jsonl'));
    expect(await fingerprint(pool)).toEqual(before);
  });

  it('an update changes what the file gives and keeps what it does not', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'update.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'P1', title: 'Console X (2025)', price: '379.00' })}\n`);
    const r = await importCatalog(pool, 'canon', file);
    expect(r).toMatchObject({ imported: 1, failed: [] });
    const [p1] = (await products('canon')).filter((p) => p.product_id === 'P1');
    expect(p1).toMatchObject({
      title: 'Console X (2025)',
      price: '379.00',
      product_type: 'Video Game Console',
      tags: ['console'],
      currency: 'USD',
      url: 'https://shop.example/p/console-x',
      complements: [{ id: 'P3', required: true }, { id: 'P2' }],
      upsells: ['P5'],
    });
  });

  it('a product repeated in one file is stored once, the later row winning; a row out of storage range is reported, not the batch', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'repeat.jsonl');
    const lines = [
      { id: 'R1', title: 'First' },
      { id: 'R2', title: 'Two\u0000' }, // Postgres text cannot hold NUL: refused before it reaches the database
      { id: 'R1', title: 'Second', complements: [{ id: 'R1' }, { id: 'R3' }, { id: 'R3' }] },
      { id: 'R3', title: 'Three' },
      { id: 'R4', title: 'Four', price: '1000000000000.00' }, // over numeric(14, 2)
    ];
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await importCatalog(pool, 'rep', file);
    expect(r.imported).toBe(2);
    expect(r.failed).toEqual([
      { line: 2, error: 'title: text without NUL characters' },
      { line: 5, error: 'price: an amount below 1,000,000,000,000' },
    ]);
    const rows = await products('rep');
    expect(rows.map((p) => [p.product_id, p.title, p.complements])).toEqual([
      ['R1', 'Second', [{ id: 'R3' }]],
      ['R3', 'Three', []],
    ]);
  });

  it('refuses a file that is no known catalog', async () => {
    await expect(importCatalog(pool, 'x', fixture('online-retail.csv'))).rejects.toThrow(/not a known catalog/);
  });
});
