// Group commit through the webhook route on real Postgres and Redis: webhooks arriving together
// are written in one transaction (their rows share one xmin) by one statement and queued after it
// commits; a duplicate inside the batch, the same order or customer twice, a bad row and a
// database out of reach are each answered on their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { freshDatabase, missing } from '../../support/services.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { jobIdFor } from '../../../src/queue/cross-sell-queue.js';
import { liveShopifyOrder, postShopifyRaw, uniqueShop } from './support.js';

const ORDER = '820982911946154500';
const order = () => liveShopifyOrder('shopify-orders-create.json');

describe.skipIf(missing('postgres', 'redis'))('group commit on ingest', () => {
  let app: TestApp;
  let proxy: TcpProxy;
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await startTcpProxy(db.url);
    app = await startTestApp({
      setup: 'services',
      workers: false,
      // A wide window, so that webhooks sent together surely meet in one batch on a busy machine.
      env: { DATABASE_URL: proxy.url, INGEST_BATCH_MS: '1000', INGEST_BATCH_MAX: '64' },
      config: { timing: { default: { after: 'order', delay: '3d' }, expireAfter: '4000d', quietHours: false } },
    });
    // Stand-ins for a value the database refuses and for a bug of ours, each on one shop's orders.
    await app.db.pool.query(`
      CREATE FUNCTION refuse_some() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.store LIKE 'bad-value-%' THEN RAISE EXCEPTION 'value refused' USING ERRCODE = '22023'; END IF;
        IF NEW.store LIKE 'bug-%' THEN RAISE EXCEPTION 'simulated bug' USING ERRCODE = 'XX000'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_some BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse_some();
      -- Each INSERT statement on deliveries, by transaction: how many statements wrote a batch.
      CREATE TABLE delivery_statements (xid text NOT NULL);
      CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO delivery_statements VALUES (txid_current()::text); RETURN NULL; END $$;
      CREATE TRIGGER count_statement AFTER INSERT ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION count_statement();`);
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await db?.drop();
  });

  /** The transaction that wrote each delivery. */
  const writers = async (ids: string[]) =>
    (
      await app.db.pool.query<{ xid: string }>(
        `SELECT xmin::text AS xid FROM deliveries WHERE delivery_id = ANY($1) ORDER BY delivery_id`,
        [ids],
      )
    ).rows.map((r) => r.xid);

  const crossSell = async (shop: string) =>
    (
      await app.db.pool.query<{ id: string; status: string }>(
        `SELECT id::text, status FROM cross_sells WHERE store = $1 AND order_id = $2`,
        [shop, ORDER],
      )
    ).rows;

  it('webhooks arriving together are written in one transaction, then each one is queued', async () => {
    const shops = Array.from({ length: 5 }, (_, i) => uniqueShop(`together-${i}`));
    const ids = shops.map((_, i) => `W-TOGETHER-${i}`);
    // Known shops (their owner cached): nothing but the batch window stands between the webhooks.
    for (const shop of shops)
      expect(
        (await postShopifyRaw(app, 'orders/create', order().replace(ORDER, '820982911946154511'), { shop })).status,
      ).toBe(200);
    // Bodies of different lengths: each delivery keeps its own bytes (one binary value, sliced).
    const bodies = shops.map((_, i) => order() + ' '.repeat(i * 7));
    const answers = await Promise.all(
      shops.map((shop, i) => postShopifyRaw(app, 'orders/create', bodies[i]!, { shop, webhookId: ids[i] })),
    );
    expect(answers.map((a) => [a.status, a.body])).toEqual(shops.map(() => [200, { ok: true }]));
    const xids = await writers(ids);
    expect(xids).toHaveLength(5);
    expect(new Set(xids).size).toBe(1);
    // One multi-row statement wrote them all (record-orders.sql).
    const statements = await app.db.pool.query(`SELECT count(*)::int AS n FROM delivery_statements WHERE xid = $1`, [
      xids[0],
    ]);
    expect(statements.rows[0].n).toBe(1);
    const kept = await app.db.pool.query<{ payload: Buffer; stored: number }>(
      `SELECT payload, pg_column_size(payload) AS stored FROM deliveries WHERE delivery_id = ANY($1) ORDER BY delivery_id`,
      [ids],
    );
    expect(kept.rows.map((r) => r.payload.toString())).toEqual(bodies);
    // Compressed (LZ4, migration 0022): a quarter of the bytes to write and fsync.
    for (const r of kept.rows) expect(r.stored).toBeLessThan(r.payload.length / 3);
    for (const shop of shops) {
      const [row] = await crossSell(shop);
      expect(row).toMatchObject({ status: 'scheduled' });
      // Answered after the commit and after the addBulk: the job is there already.
      const job = await app.queue.queue.getJob(jobIdFor(row!.id));
      expect(job?.data).toEqual({ crossSellId: row!.id });
    }
  });

  it('the same delivery twice in one batch: one is recorded, the other answered as a duplicate', async () => {
    const shop = uniqueShop('twice');
    const other = uniqueShop('twice-other');
    const answers = await Promise.all([
      postShopifyRaw(app, 'orders/create', order(), { shop, webhookId: 'W-TWICE' }),
      postShopifyRaw(app, 'orders/create', order(), { shop, webhookId: 'W-TWICE' }),
      postShopifyRaw(app, 'orders/create', order(), { shop: other, webhookId: 'W-TWICE-OTHER' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const duplicates = answers.slice(0, 2).filter((a) => a.body.duplicate === true);
    expect(duplicates).toHaveLength(1);
    expect(answers[2]!.body).toEqual({ ok: true });
    const xids = await writers(['W-TWICE', 'W-TWICE-OTHER']);
    expect(xids).toHaveLength(2); // one row for the twice-sent delivery
    expect(new Set(xids).size).toBe(1);
    expect(await crossSell(shop)).toHaveLength(1);
    expect(await crossSell(other)).toHaveLength(1);
  });

  it('the same order and the same customer twice in one batch: each written in turn, in one transaction', async () => {
    const shop = uniqueShop('same-order');
    const other = '820982911946154512';
    const [created, paid, second] = await Promise.all([
      postShopifyRaw(app, 'orders/create', order(), { shop, webhookId: 'W-SAME-CREATE' }),
      postShopifyRaw(app, 'orders/paid', order(), { shop, webhookId: 'W-SAME-PAID' }),
      // Another order of the same customer (the fixture's address).
      postShopifyRaw(app, 'orders/create', order().replace(ORDER, other), { shop, webhookId: 'W-SAME-CUSTOMER' }),
    ]);
    expect([created, paid, second].map((a) => [a.status, a.body])).toEqual([
      [200, { ok: true }],
      [200, { ok: true }],
      [200, { ok: true }],
    ]);
    // One transaction (no fallback to one-by-one savepoints), a statement per round.
    const xids = await writers(['W-SAME-CREATE', 'W-SAME-CUSTOMER', 'W-SAME-PAID']);
    expect(new Set(xids).size).toBe(1);
    const { rows } = await app.db.pool.query(
      `SELECT order_id, paid_at IS NOT NULL AS paid, (SELECT count(*)::int FROM cross_sells x
         WHERE x.store = o.store AND x.order_id = o.order_id) AS cross_sells
       FROM orders o WHERE store = $1 ORDER BY order_id`,
      [shop],
    );
    expect(rows).toEqual([
      { order_id: ORDER, paid: true, cross_sells: 1 },
      { order_id: other, paid: false, cross_sells: 1 },
    ]);
  });

  it('a bad row is answered alone (400 for its value, 500 for a bug of ours); the others commit', async () => {
    const good = [uniqueShop('good-a'), uniqueShop('good-b')];
    const bad = `bad-value-${uniqueShop('x')}`;
    const bug = `bug-${uniqueShop('x')}`;
    const send = (shop: string, id: string) => postShopifyRaw(app, 'orders/create', order(), { shop, webhookId: id });
    const [a, refused, b, failed] = await Promise.all([
      send(good[0]!, 'W-GOOD-A'),
      send(bad, 'W-BAD'),
      send(good[1]!, 'W-GOOD-B'),
      send(bug, 'W-BUG'),
    ]);
    expect(refused.status).toBe(400);
    expect(failed.status).toBe(500);
    expect([a.status, a.body, b.status, b.body]).toEqual([200, { ok: true }, 200, { ok: true }]);
    // Written again one by one (each in a savepoint of one transaction), so each row has its own xid.
    expect(await writers(['W-GOOD-A', 'W-GOOD-B'])).toHaveLength(2);
    expect(await writers(['W-BAD', 'W-BUG'])).toEqual([]); // not seen: the store's retry is processed
    for (const shop of good) expect(await crossSell(shop)).toMatchObject([{ status: 'scheduled' }]);
  });

  it('a batch whose database is out of reach: every webhook 503, and their retries are processed', async () => {
    const shops = Array.from({ length: 3 }, (_, i) => uniqueShop(`down-${i}`));
    // The shops are known (their owner cached), so the batch's transaction is what meets the outage.
    for (const shop of shops)
      expect((await postShopifyRaw(app, 'orders/create', order(), { shop, webhookId: `W-FIRST-${shop}` })).status).toBe(
        200,
      );
    const next = (shop: string) =>
      postShopifyRaw(app, 'orders/create', order().replace(ORDER, '820982911946154599'), {
        shop,
        webhookId: `W-DOWN-${shop}`,
      });
    proxy.cut('refuse');
    let down;
    try {
      down = await Promise.all(shops.map(next));
    } finally {
      proxy.restore();
    }
    expect(down.map((a) => a.status)).toEqual([503, 503, 503]);
    const back = await Promise.all(shops.map(next));
    expect(back.map((a) => [a.status, a.body])).toEqual(shops.map(() => [200, { ok: true }]));
    expect(new Set(await writers(shops.map((s) => `W-DOWN-${s}`))).size).toBe(1);
  });
});
