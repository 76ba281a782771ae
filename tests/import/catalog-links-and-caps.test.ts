// `import catalog` checks product links as webhooks do (src/links/safe-url.ts): a URL that may
// not be a click target is dropped with a warning naming the product (never the URL), the row
// still imported. Titles are capped at 255 code points, as are imported order line titles, and
// imported names at 100.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { run } from '../../src/cli/import.js';
import { importCatalog } from '../../src/import/import-catalog.js';
import { OrderWriter } from '../../src/import/order-writer.js';
import { missing, tempDir } from '../support/services.js';
import { migratedPool } from './support.js';

const skip = missing('postgres');
const HUGE = 'T'.repeat(900_000);
const EMOJI = '🎮'.repeat(300);

describe.skipIf(skip)('import catalog: product links and title caps', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await migratedPool();
    pool = db.pool;
  });
  afterAll(async () => db?.close());

  const urls = async (store: string) =>
    Object.fromEntries(
      (await pool.query(`SELECT product_id, url FROM products WHERE store = $1`, [store])).rows.map((r) => [
        r.product_id,
        r.url,
      ]),
    );

  it('drops hostile URLs with a warning per product id, keeps store and linkHosts links', async () => {
    const hostile = {
      J: 'javascript:alert(1)',
      D: 'data:text/html,x',
      V: 'vbscript:msgbox(1)',
      F: 'file:///etc/passwd',
      S: '//evil.example/p',
      U: 'https://shop.example@evil.example/',
      N: 'https://shop.example/p\r\nSet-Cookie: a=b',
    };
    const good = { OK: 'https://shop.example/p/ok', CDN: 'https://cdn.shop.example/p/cdn' };
    const rows = Object.entries({ ...hostile, ...good }).map(([id, url]) => ({ id, title: `Product ${id}`, url }));
    const file = path.join(await tempDir(), 'links.jsonl');
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

    const r = await importCatalog(pool, 'links', file, {
      storeUrl: 'https://shop.example',
      linkHosts: ['cdn.shop.example'],
    });
    expect(r).toMatchObject({ imported: rows.length, failed: [] });
    expect(r.warnings.map((w) => [w.line, w.error.split(':')[0]])).toEqual(
      Object.keys(hostile).map((id, i) => [i + 1, `product ${id}`]),
    );
    for (const w of r.warnings) expect(w.error).not.toMatch(/evil|javascript|data:|vbscript|file:|Set-Cookie/);
    expect(await urls('links')).toEqual({
      ...Object.fromEntries(Object.keys(hostile).map((id) => [id, null])),
      OK: 'https://shop.example/p/ok',
      CDN: 'https://cdn.shop.example/p/cdn',
    });
  });

  it('without linkHosts a CDN link is dropped too', async () => {
    const file = path.join(await tempDir(), 'cdn.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'CDN', title: 'Cdn', url: 'https://cdn.shop.example/p/cdn' })}\n`);
    const r = await importCatalog(pool, 'nocdn', file, { storeUrl: 'https://shop.example' });
    expect(r.warnings).toEqual([{ line: 1, error: expect.stringMatching(/^product CDN: link dropped/) }]);
    expect(await urls('nocdn')).toEqual({ CDN: null });
  });

  it('the CLI takes store.url and store.linkHosts from the config and lists dropped links as warnings', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'aftercart.config.json');
    await writeFile(config, JSON.stringify({ store: { url: 'https://cli.example', linkHosts: ['cdn.cli.example'] } }));
    const file = path.join(dir, 'cli.jsonl');
    const lines = [
      { id: 'A', title: 'A', url: 'https://cdn.cli.example/a' },
      { id: 'B', title: 'B', url: 'https://shop.example/b' },
      { id: 'C', title: 'C', url: 'javascript:alert(1)' },
    ];
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const chunks: string[] = [];
    const stderr = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const env = { DATABASE_URL: db.url, AFTERCART_DATA_DIR: dir, AFTERCART_CONFIG: config };
    expect(
      await run(['catalog', file, '--store', 'cli'], {
        env,
        stdout: new Writable({ write: (_c, _e, done) => done() }),
        stderr,
      }),
    ).toBe(0);
    expect(chunks.join('')).toBe(
      'line 2: warning: product B: link dropped (not an http(s) link to the store host or store.linkHosts)\n' +
        'line 3: warning: product C: link dropped (not an http(s) link to the store host or store.linkHosts)\n',
    );
    expect(await urls('cli')).toEqual({ A: 'https://cdn.cli.example/a', B: null, C: null });
  });

  it('caps a catalog title at 255 code points (CSV and JSON lines readers alike)', async () => {
    const dir = await tempDir();
    const jsonl = path.join(dir, 'titles.jsonl');
    await writeFile(
      jsonl,
      `${JSON.stringify({ id: 'BIG', title: HUGE })}\n${JSON.stringify({ id: 'EMO', title: EMOJI })}\n`,
    );
    await importCatalog(pool, 'titles', jsonl);
    const csv = path.join(dir, 'woo.csv');
    await writeFile(
      csv,
      `ID,Type,SKU,Name,Published,In stock?,Regular price\n7,simple,S7,${'W'.repeat(5000)},1,1,9.99\n`,
    );
    expect(await importCatalog(pool, 'titles', csv)).toMatchObject({
      format: 'woocommerce-products',
      imported: 1,
      failed: [],
    });
    const { rows } = await pool.query(
      `SELECT product_id, title FROM products WHERE store = 'titles' ORDER BY product_id`,
    );
    expect(rows.map((p) => [p.product_id, [...p.title].length])).toEqual([
      ['7', 255],
      ['BIG', 255],
      ['EMO', 255],
    ]);
    expect(rows.find((p) => p.product_id === 'EMO').title).toBe('🎮'.repeat(255));
  });

  it('imported history: line titles capped at 255, first and last names at 100', async () => {
    const writer = new OrderWriter(pool, 'history');
    writer.addCustomer({ customerKey: 'k1', firstName: HUGE, lastName: EMOJI });
    await writer.addOrder({
      id: 'H1',
      customerKey: 'k1',
      createdAt: new Date('2025-01-01T00:00:00Z'),
      currency: 'GBP',
      total: '1.00',
      firstLineNo: 1,
      lines: [{ productId: 'P1', title: HUGE, quantity: 1, unitPrice: '1.00' }],
    });
    await writer.finish();
    const line = (await pool.query(`SELECT title FROM order_lines WHERE store = 'history' AND order_id = 'H1'`))
      .rows[0];
    expect(line.title).toBe('T'.repeat(255));
    const customer = (
      await pool.query(`SELECT first_name, last_name FROM customers WHERE store = 'history' AND customer_key = 'k1'`)
    ).rows[0];
    expect(customer).toEqual({ first_name: 'T'.repeat(100), last_name: '🎮'.repeat(100) });
  });
});
