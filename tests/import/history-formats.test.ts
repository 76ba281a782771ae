// `aftercart import orders` on what a store exports: the Online Retail II header, a file with a
// renamed column (refused, naming it, nothing written), and `recommend` after a history import
// without a catalog saying why nothing can be offered.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/import.js';
import { rebuildCoPurchase } from '../../src/recommend/rebuild.js';
import { missing, tempDir } from '../support/services.js';
import { migratedPool } from './support.js';

const exec = promisify(execFile);
const bin = new URL('../../bin/aftercart.mjs', import.meta.url).pathname;
const fixture = (name: string) => new URL(`../recommend/fixtures/${name}`, import.meta.url).pathname;

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe.skipIf(missing('postgres'))('import orders as a store exports them', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  beforeAll(async () => {
    db = await migratedPool(2);
    dir = await tempDir();
    const config = path.join(dir, 'aftercart.config.json');
    await writeFile(config, JSON.stringify({ store: { url: 'https://formats.example' } }));
    env = { DATABASE_URL: db.url, AFTERCART_DATA_DIR: dir, AFTERCART_CONFIG: config };
  });
  afterAll(async () => db?.close());

  const importOrders = async (file: string, store: string) => {
    const out = sink();
    const err = sink();
    const afterOrders = async (pool: Parameters<typeof rebuildCoPurchase>[0], s: string) =>
      void (await rebuildCoPurchase(pool, s));
    const code = await run(['orders', file, '--store', store], {
      env,
      stdout: out.stream,
      stderr: err.stream,
      afterOrders,
    });
    return { code, out: out.text(), err: err.text() };
  };

  it('reads the Online Retail II header: prices, customers and upper-cased stock codes', async () => {
    const r = await importOrders(fixture('tiny-retail-ii.csv'), 'retail-ii');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /\(online-retail\) into store retail-ii: 25 lines, 18 orders \(2 with returns\), 7 customers, 1 rows skipped/,
    );
    const { rows } = await db.pool.query(
      `SELECT l.product_id, l.unit_price::text AS price, c.external_id FROM order_lines l
         JOIN orders o USING (store, order_id) JOIN customers c ON c.store = o.store AND c.customer_key = o.customer_key
        WHERE l.store = 'retail-ii' AND l.order_id = '200001'`,
    );
    expect(rows).toEqual([{ product_id: 'PA', price: '2.00', external_id: '5' }]);
  });

  it.each([
    ['tiny-retail.csv', 'UnitPrice', 'Unit Price'],
    ['tiny-retail-ii.csv', 'Customer ID', 'Client'],
    ['tiny-shopify-orders.csv', 'Email', 'E-mail'],
  ])('%s without its %s column is refused in one line naming it, and nothing is written', async (name, from, to) => {
    const text = await readFile(fixture(name), 'utf8');
    const file = path.join(dir, `renamed-${name}`);
    await writeFile(file, text.replace(from, to));
    const store = `renamed-${name}`;
    const r = await importOrders(file, store);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const column = from === 'Customer ID' ? 'CustomerID' : from;
    expect(r.err.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^aftercart import: .*: no "${column}" column \\(an? .* needs `)),
      '',
    ]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE store = $1`, [store]);
    expect(rows[0].n).toBe(0);
  });

  it('recommend after a history alone says the candidates are not in the catalog, and how to fix it', async () => {
    expect((await importOrders(fixture('tiny-retail.csv'), 'history-only')).code).toBe(0);
    const { stdout } = await exec('node', [bin, 'recommend', '200001', '--store', 'history-only'], {
      env: { ...process.env, ...env },
      cwd: '/tmp',
    });
    // Customer 5 bought PA: its one learned neighbour, PB, has no catalog entry.
    expect(stdout).toBe(
      'history-only: the top-level settings\n' +
        '1 candidate, none in the catalog: import your catalog with `aftercart import catalog`\n',
    );
    const json = JSON.parse(
      (
        await exec('node', [bin, 'recommend', '200001', '--store', 'history-only', '--json'], {
          env: { ...process.env, ...env },
          cwd: '/tmp',
        })
      ).stdout,
    );
    expect(json).toMatchObject({ items: [], reason: 'no_complements', notInCatalog: 1 });
  }, 60_000);
});
