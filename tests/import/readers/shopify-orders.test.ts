import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readShopifyOrdersCsv, type HistoryOrder, type RowError } from '../../../src/import/readers/index.js';

const fixture = join(import.meta.dirname, 'fixtures', 'shopify-orders.csv');

async function readAll(path: string) {
  const orders: HistoryOrder[] = [];
  const errors: RowError[] = [];
  for await (const o of readShopifyOrdersCsv(path, (e) => errors.push(e))) orders.push(o);
  return { orders, errors };
}

describe('readShopifyOrdersCsv', () => {
  it('groups line-item rows into orders, order fields from the first row', async () => {
    const { orders } = await readAll(fixture);
    expect(orders.map((o) => o.name)).toEqual(['#1001', '#1002', '#1004']);
    const first = orders[0];
    expect(first).toMatchObject({
      id: '5550001',
      name: '#1001',
      email: 'ann@example.com',
      currency: 'USD',
      financialStatus: 'paid',
      line: 2,
      returns: [],
    });
    expect(first.createdAt.toISOString()).toBe('2024-03-01T15:15:00.000Z'); // -0500
    expect(first.lines).toEqual([
      { productId: 'CX-1', title: 'Console X', quantity: 1, unitPrice: '399.00', sku: 'CX-1' },
      { productId: 'CTRL-R', title: 'Controller - Red', quantity: 2, unitPrice: '59.99', sku: 'CTRL-R' },
    ]);
  });

  it('a fully refunded order returns every line; a partial refund keeps the amount', async () => {
    const { orders } = await readAll(fixture);
    expect(orders[1].returns).toEqual([{ productId: 'G1', quantity: 1 }]);
    expect(orders[2].returns).toEqual([]);
    expect(orders[2].refundedAmount).toBe('9.50');
  });

  it('identifies a line without SKU by its name', async () => {
    const { orders } = await readAll(fixture);
    expect(orders[2].lines.map((l) => l.productId)).toEqual(['Cable, braided', 'HS-1']);
    expect(orders[2].currency).toBe('EUR');
  });

  it('reports a bad order (all its rows skipped) and a bad line with line numbers', async () => {
    const { errors } = await readAll(fixture);
    expect(errors).toEqual([
      { line: 5, error: 'order #1003: bad or missing "Created at" "not a date"' },
      { line: 8, error: 'order #1004: bad Lineitem quantity "x"' },
    ]);
  });

  it('reads a gzip export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercart-shopify-'));
    writeFileSync(join(dir, 'orders_export.csv.gz'), gzipSync(readFileSync(fixture)));
    expect(await readAll(join(dir, 'orders_export.csv.gz'))).toEqual(await readAll(fixture));
  });
});
