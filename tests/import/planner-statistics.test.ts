// A history import keeps the planner's statistics up with the store it writes, as it writes.
// Importing into a database whose statistics predate the store, every per-batch statement was
// planned for "about one row" and read the store's every line once per order (53 s instead of
// 14 for the Online Retail history; the final re-total ran for minutes). The plans themselves
// depend on table sizes a test cannot afford, so this checks that the statistics are refreshed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing, tempDir, until } from '../support/services.js';
import { migratedPool } from './support.js';
import { importOrders } from '../../src/import/import-orders.js';

/** An Online Retail export: `invoices` invoices of 5 lines, 50 customers. */
async function history(invoices: number): Promise<string> {
  const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  for (let i = 0; i < invoices; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    for (let l = 0; l < 5; l++) {
      rows.push(
        `${600000 + i},P${(i * 7 + l) % 90},PRODUCT ${l},${1 + l},2011-03-${day} 10:${String(l).padStart(2, '0')},1.95,${13000 + (i % 50)},United Kingdom`,
      );
    }
  }
  const file = path.join(await tempDir(), 'history.csv');
  await writeFile(file, rows.join('\n') + '\n');
  return file;
}

describe.skipIf(missing('postgres'))('history import and planner statistics', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  beforeAll(async () => {
    db = await migratedPool(2);
  });
  afterAll(async () => db?.close());

  const estimatedLines = async (store: string) => {
    const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) SELECT * FROM order_lines WHERE store = '${store}'`);
    return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] as number;
  };
  const analyzeCount = async () =>
    Number(
      (await db.pool.query(`SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'order_lines'`)).rows[0]
        .analyze_count,
    );

  it('refreshes the statistics while the import writes, not only once it is done', async () => {
    const file = await history(600);
    // A live database: another store, and statistics taken before the new one existed.
    await importOrders(db.pool, 'earlier-store', file, { batchLines: 200 });
    await db.pool.query('ANALYZE orders, order_lines');
    expect(await estimatedLines('new-store')).toBeLessThan(30);
    const before = await until(async () => analyzeCount());

    const imported = await importOrders(db.pool, 'new-store', file, { batchLines: 200 });
    expect(imported.lines).toBe(3000);
    // 15 batches: at 2, 4 and 8 of them, and the one at the end (the only one there used to
    // be). No order spans two batches here, so none before a re-total. Counters arrive lazily.
    await until(async () => (await analyzeCount()) - before >= 4, 15_000);
    expect(await estimatedLines('new-store')).toBeGreaterThan(imported.lines / 2);
  });
});
