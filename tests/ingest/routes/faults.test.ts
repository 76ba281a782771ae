// A fault of ours is a 500 with a logged stack and the delivery id, and the delivery is not
// recorded as seen: the platform's retry is processed, never answered `duplicate`. Only a
// database out of reach is a 503. The fault is raised by Postgres itself (a trigger standing in
// for a bug), the outage by a TCP proxy between the app and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { freshDatabase, missing } from '../../support/services.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { isDatabaseUnreachable } from '../../../src/db/unreachable.js';
import { fixtureText, liveShopifyOrder, postShopifyRaw } from './support.js';

const ORDER = '820982911946154500';
const order = liveShopifyOrder;

describe.skipIf(missing('postgres', 'redis'))('faults: 500 for ours, 503 for an unreachable database', () => {
  const logLines: string[] = [];
  let app: TestApp;
  let proxy: TcpProxy;
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await startTcpProxy(db.url);
    app = await startTestApp({
      setup: 'services',
      workers: false,
      logLines,
      env: { LOG_LEVEL: 'warn', DATABASE_URL: proxy.url },
      config: { timing: { default: { after: 'fulfilled', delay: '3d' }, expireAfter: '4000d', quietHours: false } },
    });
    // A stand-in for a bug in our code: writes to cross_sells fail while `faults` has a row.
    await app.db.pool.query(`
      CREATE TABLE faults (on_write boolean);
      CREATE FUNCTION fail_when_asked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM faults) THEN RAISE EXCEPTION 'simulated bug' USING ERRCODE = 'XX000'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_when_asked BEFORE INSERT OR UPDATE ON cross_sells FOR EACH ROW EXECUTE FUNCTION fail_when_asked();`);
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await db?.drop();
  });

  const fault = (on: boolean) => app.db.pool.query(on ? 'INSERT INTO faults VALUES (true)' : 'DELETE FROM faults');
  const seen = async (webhookId: string) =>
    (
      await app.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM deliveries WHERE delivery_id LIKE $1 || '%'`,
        [webhookId],
      )
    ).rows[0]!.n;

  it('a new order whose recording fails: 500, logged with the delivery id and stack, not seen; the retry is processed', async () => {
    const shop = 'fault-new.myshopify.com';
    await fault(true);
    const failed = await postShopifyRaw(app, 'orders/create', order('shopify-orders-create.json'), {
      shop,
      webhookId: 'W-NEW',
    });
    expect(failed.status).toBe(500);
    expect(failed.text).not.toContain('simulated bug'); // nothing internal in the answer
    const line = logLines
      .map((l) => JSON.parse(l) as { msg: string; deliveryId?: string; err?: { stack?: string } })
      .find((l) => l.deliveryId === 'W-NEW');
    expect(line).toMatchObject({ msg: expect.stringContaining('500') });
    expect(line!.err!.stack).toContain('simulated bug');
    expect(await seen('W-NEW')).toBe(0);

    await fault(false);
    const retried = await postShopifyRaw(app, 'orders/create', order('shopify-orders-create.json'), {
      shop,
      webhookId: 'W-NEW',
    });
    expect(retried.status).toBe(200);
    expect(retried.body.duplicate).toBeUndefined();
    const { rows } = await app.db.pool.query(`SELECT status FROM cross_sells WHERE store = $1 AND order_id = $2`, [
      shop,
      ORDER,
    ]);
    expect(rows).toEqual([{ status: 'waiting' }]);
  });

  it("a known order's next event whose re-decision fails: 500 and not seen; the retry re-decides", async () => {
    const shop = 'fault-known.myshopify.com';
    expect((await postShopifyRaw(app, 'orders/create', order('shopify-orders-create.json'), { shop })).status).toBe(
      200,
    );
    await fault(true);
    const failed = await postShopifyRaw(app, 'fulfillments/create', fixtureText('shopify-fulfillments-create.json'), {
      shop,
      webhookId: 'W-KNOWN',
    });
    expect(failed.status).toBe(500);
    expect(await seen('W-KNOWN')).toBe(0);
    const { rows: before } = await app.db.pool.query(`SELECT fulfilled_at FROM orders WHERE store = $1`, [shop]);
    expect(before).toEqual([{ fulfilled_at: null }]); // nothing half-written

    await fault(false);
    const retried = await postShopifyRaw(app, 'fulfillments/create', fixtureText('shopify-fulfillments-create.json'), {
      shop,
      webhookId: 'W-KNOWN',
    });
    expect(retried.status).toBe(200);
    expect(retried.body.duplicate).toBeUndefined();
    const { rows } = await app.db.pool.query(
      `SELECT status, timing->>'trigger' AS trigger FROM cross_sells WHERE store = $1`,
      [shop],
    );
    expect(rows).toEqual([{ status: 'scheduled', trigger: 'fulfilled' }]);
  });

  it('a database out of reach: 503, and the retry once it is back is processed', async () => {
    const shop = 'fault-down.myshopify.com';
    proxy.cut('refuse');
    try {
      const down = await postShopifyRaw(app, 'orders/create', order('shopify-orders-create.json'), {
        shop,
        webhookId: 'W-DOWN',
      });
      expect(down.status).toBe(503);
    } finally {
      proxy.restore();
    }
    const back = await postShopifyRaw(app, 'orders/create', order('shopify-orders-create.json'), {
      shop,
      webhookId: 'W-DOWN',
    });
    expect(back.status).toBe(200);
    expect(back.body.duplicate).toBeUndefined();
  });

  it('classifies what is an outage and what is not', () => {
    for (const err of [
      { code: 'ECONNREFUSED' },
      { code: '57P01' },
      { code: '08006' },
      { code: '53300' },
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ])
      expect(isDatabaseUnreachable(err)).toBe(true);
    for (const err of [
      { code: 'XX000' },
      { code: '42P01' },
      new TypeError("Cannot read properties of null (reading 'trim')"),
      null,
      'text',
    ]) {
      expect(isDatabaseUnreachable(err)).toBe(false);
    }
  });
});
