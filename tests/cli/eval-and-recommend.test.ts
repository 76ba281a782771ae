// `aftercart eval --json` prints the SPEC's document; `aftercart recommend` is a dry run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../support/shared.js';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing } from '../support/services.js';

const run = promisify(execFile);
const bin = new URL('../../bin/aftercart.mjs', import.meta.url).pathname;

describe('aftercart eval', () => {
  it('prints hit rate@3 beside the baselines for the protocol split, taken from the data, and each validation period', async () => {
    const { stdout } = await run(
      'node',
      [bin, 'eval', sharedPath('data/online-retail/online-retail.csv.gz'), '--window', '30d', '--k', '3', '--json'],
      { timeout: 560_000 },
    );
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      k: 3,
      testOrders: 4273,
      split: '2011-09-01',
      splitFrom: 'data',
      testUntil: '2011-11-09',
    });
    expect(result.hitRate).toBeGreaterThanOrEqual(0.075);
    expect(result.baseline.popularity).toBeCloseTo(0.0412, 3);
    expect(result.baseline.cooccurrence).toBeGreaterThan(0.05);
    expect(typeof result.seconds).toBe('number');
    // Rolling origin: train before May / test May–June, before July / July–August, the protocol's own split.
    expect(
      result.periods.map((p: { trainBefore: string; testUntil: string }) => `${p.trainBefore}..${p.testUntil}`),
    ).toEqual(['2011-05-01..2011-07-01', '2011-07-01..2011-09-01', '2011-09-01..2011-11-09']);
    for (const p of result.periods) expect(p.hitRate).toBeGreaterThan(p.baseline.cooccurrence);
  }, 600_000);
});

describe.skipIf(missing('postgres', 'redis'))('aftercart recommend', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
    for (const p of sampleProducts()) await app.postEvent(p);
    await app.postEvent(sampleOrder('REC-1'));
  });
  afterAll(async () => app?.stop());

  it('shows the items an order would get, with source, score and reason, and records nothing', async () => {
    // cwd /tmp: no aftercart.config.ts there, so the defaults apply.
    const env = {
      ...process.env,
      DATABASE_URL: app.settings.env.DATABASE_URL!,
      REDIS_URL: app.settings.env.REDIS_URL!,
    };
    const { stdout } = await run('node', [bin, 'recommend', 'REC-1', '--json'], { env, cwd: '/tmp' });
    const result = JSON.parse(stdout);
    expect(result.items.map((i: { productId: string }) => i.productId)).toEqual(['P3', 'P2', 'P4']);
    expect(result.items[0]).toMatchObject({ source: 'required', reason: 'Needed to use your Console X' });
    const byProducts = JSON.parse(
      (await run('node', [bin, 'recommend', '--products', 'P1', '--store', 'demo', '--json'], { env, cwd: '/tmp' }))
        .stdout,
    );
    expect(byProducts.items.map((i: { productId: string }) => i.productId)).toEqual(['P3', 'P2', 'P4']);
    const { rows } = await app.db.pool.query(`SELECT status, items FROM cross_sells WHERE order_id = 'REC-1'`);
    expect(rows[0]).toMatchObject({ status: 'waiting', items: null }); // default: after fulfilment
  });
});
