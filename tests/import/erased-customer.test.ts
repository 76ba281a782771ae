// An erased customer stays erased: re-importing an order history that names them does not
// write their personal data again, and their orders it adds stay anonymous.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { missing, tempDir } from '../support/services.js';
import { fixture } from './support.js';
import { importOrders } from '../../src/import/import-orders.js';
import { customerKey } from '../../src/domain/customer-key.js';

describe.skipIf(missing('postgres', 'redis'))('erasure and history imports', () => {
  let app: TestApp;
  const STORE = 'erased-import';
  const ann = customerKey({ email: 'ann@example.com' })!;
  const q = async (sql: string, params: unknown[] = []) => (await app.db.pool.query(sql, params)).rows;

  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
  });
  afterAll(async () => app?.stop());

  it('a re-imported history does not bring an erased customer back', async () => {
    // First only Ann's first order, then the erasure, then the whole export (with her #1003).
    const full = await readFile(fixture('shopify-orders.csv'), 'utf8');
    const [header, ...rows] = full.split('\n');
    const first = path.join(await tempDir(), 'first.csv');
    await writeFile(first, [header, ...rows.filter((r) => r.startsWith('#1001,'))].join('\n') + '\n');
    await importOrders(app.db.pool, STORE, first);
    expect(await q(`SELECT email FROM customers WHERE store = $1 AND customer_key = $2`, [STORE, ann])).toEqual([
      { email: 'ann@example.com' },
    ]);

    const r = await app.postEvent({ type: 'customer.erased', data: { store: STORE, email: 'ann@example.com' } });
    expect(r.status).toBe(200);
    await importOrders(app.db.pool, STORE, fixture('shopify-orders.csv'));

    expect(
      await q(`SELECT customer_key FROM customers WHERE store = $1 AND (customer_key = $2 OR email ILIKE 'ann@%')`, [
        STORE,
        ann,
      ]),
    ).toEqual([]);
    // 5001 was imported before the erasure (re-keyed by it), 5003 only after (anonymous).
    const orders = await q(`SELECT order_id, customer_key FROM orders WHERE store = $1 ORDER BY order_id`, [STORE]);
    expect(orders.filter((o) => o.customer_key === null || /^x-/.test(o.customer_key)).map((o) => o.order_id)).toEqual([
      '5001',
      '5003',
    ]);
    expect(orders.find((o) => o.order_id === '5003')?.customer_key).toBeNull();
    expect(await q(`SELECT 1 FROM customer_products WHERE store = $1 AND customer_key = $2`, [STORE, ann])).toEqual([]);
    // Everyone else is imported as before.
    expect(
      await q(`SELECT email FROM customers WHERE store = $1 AND lower(email) = 'bob@example.com'`, [STORE]),
    ).toHaveLength(1);
  });
});
