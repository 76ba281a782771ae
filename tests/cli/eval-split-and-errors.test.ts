// `aftercart eval` as a store runs it on its own export: the split taken from the data and
// printed, validation periods beside it, split checkouts merged on request, and every mistake
// (a split with nothing to train or test on, a missing column) one line with exit 1.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/services.js';

const exec = promisify(execFile);
const bin = new URL('../../bin/aftercart.mjs', import.meta.url).pathname;
const fixture = (name: string) => new URL(`../recommend/fixtures/${name}`, import.meta.url).pathname;

async function aftercart(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [bin, ...args], { cwd: '/tmp', timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Canonical orders from 2023-01-01 to 08-31: ten customers every third day, two of 40 products each. */
function history(): string {
  const lines: string[] = [];
  const start = Date.UTC(2023, 0, 1, 10);
  for (let day = 0; day <= 242; day++) {
    for (let c = 0; c < 10; c++) {
      if ((day + c) % 3 !== 0) continue;
      const products = [`P${(c * 7 + day) % 40}`, `P${(c * 7 + day + 1) % 40}`];
      lines.push(
        JSON.stringify({
          id: `${day}-${c}`,
          createdAt: new Date(start + day * 86_400_000).toISOString(),
          currency: 'EUR',
          customer: { id: `c${c}` },
          lines: products.map((productId) => ({ productId, title: productId, quantity: 1, unitPrice: '5.00' })),
        }),
      );
    }
  }
  return lines.join('\n') + '\n';
}

describe("aftercart eval on a store's own history", () => {
  let dir: string;
  let orders: string;
  beforeAll(async () => {
    dir = await tempDir();
    orders = join(dir, 'orders.jsonl');
    await writeFile(orders, history());
  });

  it('takes the split from the data when none is given, and says so', async () => {
    const r = await aftercart('eval', orders);
    expect(r.code).toBe(0);
    // The last order is 2023-08-31: the test period ends a 30-day window before, 2023-08-01.
    expect(r.stdout).toMatch(
      /^split +2023-06-01 \(taken from the data; --split to choose\): test until 2023-08-01, window 30d$/m,
    );
    expect(r.stdout).toMatch(/^co-occurrence +hit rate@3 /m);
  });

  it('--json gives each rolling-origin validation period with the co-occurrence baseline beside it', async () => {
    const r = await aftercart('eval', orders, '--json');
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      split: '2023-06-01',
      splitFrom: 'data',
      testUntil: '2023-08-01',
      format: 'canonical-jsonl',
      k: 3,
    });
    expect(doc.periods.map((p: { trainBefore: string; testUntil: string }) => [p.trainBefore, p.testUntil])).toEqual([
      ['2023-02-01', '2023-04-01'],
      ['2023-04-01', '2023-06-01'],
      ['2023-06-01', '2023-08-01'],
    ]);
    for (const p of doc.periods) {
      expect(p.testOrders).toBeGreaterThan(0);
      expect(typeof p.hitRate).toBe('number');
      expect(typeof p.baseline.cooccurrence).toBe('number');
    }
    expect(doc.periods[2]).toMatchObject({ testOrders: doc.testOrders, hits: doc.hits });
  });

  it('--model and --weighting run another setting: co-occurrence without history gives its baseline', async () => {
    const r = await aftercart(
      'eval',
      orders,
      '--json',
      '--model',
      '{"metric":"count"}',
      '--weighting',
      '{"historyWeight":0,"perAnchor":1000000}',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: { metric: 'count' }, weighting: { historyWeight: 0, decayDays: 90 } });
    for (const p of doc.periods) expect(p.hits).toBe(p.baseline.cooccurrenceHits);
    const bad = await aftercart('eval', orders, '--model', '[1]');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^usage: aftercart eval FILE .*\[--model JSON\]/);
  });

  it('a split leaving no training orders is one line and exit 1', async () => {
    // tiny-retail.csv spans six weeks: the split taken from the data is before its first order.
    const r = await aftercart('eval', fixture('tiny-retail.csv'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'aftercart eval: split 2010-11-01 (taken from the data) leaves no training orders (the purchases start 2011-01-01): give a later --split\n',
    );
  });

  it('a split leaving no test orders is one line and exit 1', async () => {
    const r = await aftercart('eval', fixture('tiny-retail.csv'), '--split', '2011-02-01', '--window', '10d', '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^aftercart eval: split 2011-02-01 leaves no test orders \(the test period ends 2011-01-31/,
      ),
    ]);
  });

  it('a file missing a required column is one line naming it, and exit 1', async () => {
    const text = await readFile(fixture('tiny-shopify-orders.csv'), 'utf8');
    const path = join(dir, 'renamed.csv');
    await writeFile(path, text.replace('Lineitem sku', 'SKU'));
    const r = await aftercart('eval', path);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/renamed\.csv: no "Lineitem sku" column \(a Shopify orders export needs/),
    ]);
  });

  it('--merge-within 1h reports the figures with split checkouts merged beside the plain ones', async () => {
    // Customer 5 checks out cherry bowl (C) 30 minutes after invoice 200001 (A): one order merged.
    const path = join(dir, 'split-checkout.csv');
    const text = await readFile(fixture('tiny-retail.csv'), 'utf8');
    await writeFile(path, text + '200011,PC,CHERRY BOWL,1,2011-01-15 10:30,4.00,5,United Kingdom\n');
    const r = await aftercart(
      'eval',
      path,
      '--split',
      '2011-01-10',
      '--window',
      '10d',
      '--k',
      '2',
      '--merge-within',
      '1h',
      '--json',
    );
    const doc = JSON.parse(r.stdout);
    expect(doc.testOrders).toBe(8);
    expect(doc.merged).toMatchObject({ within: '1h', invoices: 13, orders: 12, testOrders: 7 });
    expect(typeof doc.merged.hitRate).toBe('number');
    const text2 = await aftercart(
      'eval',
      path,
      '--split',
      '2011-01-10',
      '--window',
      '10d',
      '--k',
      '2',
      '--merge-within',
      '1h',
    );
    expect(text2.stdout).toMatch(/^merged within 1h: 12 orders from 13 invoices, 7 test orders: hit rate@2 /m);
  });
});
