import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readCanonicalOrdersJsonl,
  readCanonicalProductsJsonl,
  type HistoryOrder,
  type ProductRecord,
  type RowError,
} from '../../../src/import/readers/index.js';

const dir = join(import.meta.dirname, 'fixtures');

describe('readCanonicalOrdersJsonl', () => {
  it('reads bare orders and order.created events, and reports bad lines by number', async () => {
    const orders: HistoryOrder[] = [];
    const errors: RowError[] = [];
    for await (const o of readCanonicalOrdersJsonl(join(dir, 'orders.jsonl'), (e) => errors.push(e))) orders.push(o);
    expect(orders.map((o) => [o.id, o.line])).toEqual([
      ['1001', 1],
      ['1002', 2],
      ['1006', 7],
    ]);
    expect(orders[0]).toMatchObject({
      customerId: 'C1',
      email: 'ann@example.com',
      currency: 'USD',
      returns: [{ productId: 'P2', quantity: 1, amount: '59.99' }],
    });
    expect(orders[0].lines[0]).toEqual({
      productId: 'P1',
      title: 'Console X',
      quantity: 1,
      unitPrice: '399.00',
      productType: 'Video Game Console',
      sku: undefined,
    });
    expect(orders[1].createdAt.toISOString()).toBe('2024-03-02T10:00:00.000Z');
    expect(orders[1].lines[0].productId).toBe('7'); // numeric ids become strings
    expect(errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(errors[0].error).toMatch(/currency/);
    expect(errors[1].error).toMatch(/^not JSON/);
    expect(errors[2].error).toMatch(/lines\.0\.unitPrice/);
  });
});

describe('readCanonicalProductsJsonl', () => {
  it('yields ok products and the bad rows with their line numbers', async () => {
    const out: ProductRecord[] = [];
    for await (const r of readCanonicalProductsJsonl(join(dir, 'products.jsonl'))) out.push(r);
    expect(out.map((r) => [r.line, r.ok])).toEqual([
      [1, true],
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [6, true],
    ]);
    const ok = out.filter((r) => r.ok);
    expect(ok[0].product).toMatchObject({ id: 'P1', complements: [{ id: 'P3', required: true }, { id: 'P2' }] });
    expect(ok[1].product).toMatchObject({ id: '2', title: 'Controller' });
    expect(ok[2].product.upsells).toEqual(['P7']);
    const bad = out.filter((r) => !r.ok) as { error: string }[];
    expect(bad[0].error).toMatch(/title/);
    expect(bad[1].error).toMatch(/^not JSON/);
    expect(bad[2].error).toMatch(/price/);
  });
});
