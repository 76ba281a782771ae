// `aftercart import catalog|orders FILE [--store S]` run in process against real Postgres.
import { Writable } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/import.js';
import { missing, tempDir } from '../support/services.js';
import { fixture, migratedPool } from './support.js';

const skip = missing('postgres');

function sink(isTTY = false) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => chunks.join('') };
}

describe.skipIf(skip)('aftercart import', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await migratedPool(2);
    const dir = await tempDir();
    const config = path.join(dir, 'aftercart.config.json');
    await writeFile(config, JSON.stringify({ store: { url: 'https://cli.example' } }));
    env = { DATABASE_URL: db.url, AFTERCART_DATA_DIR: dir, AFTERCART_CONFIG: config };
  });
  afterAll(async () => db?.close());

  it('imports orders into the default store, prints one summary line and runs the afterOrders hook', async () => {
    const out = sink();
    const err = sink();
    const hooked: string[] = [];
    const code = await run(['orders', fixture('online-retail.csv.gz')], {
      env,
      stdout: out.stream,
      stderr: err.stream,
      afterOrders: async (_pool, store) => void hooked.push(store),
    });
    expect(code).toBe(0);
    expect(out.text()).toMatch(
      /^imported orders .*online-retail\.csv\.gz \(online-retail\) into store default: 10 lines, 7 orders \(2 with returns\), 3 customers, 4 rows skipped, .* s \(.* rows\/s\)\n$/,
    );
    expect(err.text()).toBe('line 13: bad Quantity "abc"\n');
    expect(hooked).toEqual(['default']);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM orders WHERE store = 'default' AND from_history`,
    );
    expect(rows[0].n).toBe(7);
  });

  it('imports a catalog into --store, listing bad rows with their line numbers', async () => {
    const out = sink();
    const err = sink();
    const code = await run(['catalog', fixture('shopify-products.csv'), '--store', 'acme.myshopify.com'], {
      env,
      stdout: out.stream,
      stderr: err.stream,
    });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/into store acme\.myshopify\.com: 3 products, 2 bad rows skipped/);
    expect(
      err
        .text()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[0]),
    ).toEqual(['line 8', 'line 9']);
    const { rows } = await db.pool.query(
      `SELECT url FROM products WHERE store = 'acme.myshopify.com' AND product_id = 'console-x'`,
    );
    expect(rows[0].url).toBe('https://cli.example/products/console-x');
  });

  it('draws a progress bar on a terminal', async () => {
    const out = sink();
    const err = sink(true);
    expect(
      await run(['catalog', fixture('products.jsonl'), '--store', 'tty'], {
        env,
        stdout: out.stream,
        stderr: err.stream,
      }),
    ).toBe(0);
    expect(err.text()).toMatch(/100% \| 6\/6 rows/);
    expect(out.text()).toMatch(/3 products, 3 bad rows skipped/);
  });

  it('answers usage errors with 2 and unreadable or unknown files with 1', async () => {
    const err = sink();
    const o = { env, stdout: sink().stream, stderr: err.stream };
    expect(await run([], o)).toBe(2);
    expect(await run(['customers', 'x.csv'], o)).toBe(2);
    expect(await run(['orders'], o)).toBe(2);
    expect(await run(['orders', fixture('nope.csv')], o)).toBe(1);
    expect(err.text()).toMatch(/cannot read .*nope\.csv: ENOENT/);
    expect(await run(['catalog', fixture('online-retail.csv')], o)).toBe(1);
    expect(err.text()).toMatch(/not a known catalog/);
  });
});
