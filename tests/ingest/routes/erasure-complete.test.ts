// Erasure is complete (issue 16), through the real webhook routes, workers, Postgres, Redis and a
// mail sink (SMTP, then the outbox). One Shopify customer (the published redact sample's: id
// 191167, john@example.com) ordered under an old address, changed it, ordered again (the SMTP
// server first refuses that email quoting the address) and checked out once as a guest with a
// third address; clicked, unsubscribed, asked for their data (the published data_request sample)
// and then to be erased (the published customers/redact sample, unchanged). Afterwards no text,
// json or bytea column of any table, no Redis key of the queue, no outbox or data-request file
// names any of the addresses, the names or the customer id; another store's customer is intact.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import type pg from 'pg';
import { sampleOrder, sampleProducts, startTestApp, type TestApp } from '../../support/app.js';
import { missing, services, until } from '../../support/services.js';
import { deliveryConfig } from '../../delivery/support.js';
import { fixtureJson, fixtureText, postShopifyRaw, uniqueShop } from './support.js';

const redact = fixtureJson('shopify-customers-redact.json') as { customer: { id: number; email: string } };
const CUSTOMER_ID = redact.customer.id; // 191167
const EMAIL = redact.customer.email; // john@example.com: the address the customer has now
const OLD = 'john.old@example.com'; // the address of the first order, before the change
const GUEST = 'jsmith.guest@example.net'; // a guest checkout, named only by orders_to_redact
const [OLD_ORDER, GUEST_ORDER] = [299938, 280263]; // both in orders_to_redact
const NEW_ORDER = 1002; // not in orders_to_redact: found by the customer

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** What must be gone: [label, a pattern read case-insensitively by both JS and Postgres (~*)]. */
const NEEDLES: [string, string][] = [
  ...[EMAIL, OLD, GUEST, '123 Shipping Street', '123 Elm St'].map((s): [string, string] => [s, literal(s)]),
  // The sample order's customer and its addresses' names, the customers/update sample's names.
  ...['John', 'Smith', 'Steve', 'Shipper', 'Bob', 'Biller'].map((n): [string, string] => [
    n,
    `(^|[^a-z])${n.toLowerCase()}([^a-z]|$)`,
  ]),
  ['customer id', `(^|[^0-9])${CUSTOMER_ID}([^0-9]|$)`],
];
const found = (where: string, texts: string[]) =>
  NEEDLES.filter(([, re]) => texts.some((t) => new RegExp(re, 'i').test(t))).map(([label]) => `${where}: ${label}`);

/** Every text, varchar, json(b), text[] and bytea column of every table of the public schema. */
async function databaseHits(pool: pg.Pool): Promise<string[]> {
  const { rows: columns } = await pool.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
             OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))`,
  );
  expect(columns.length).toBeGreaterThan(20);
  const hits: string[] = [];
  for (const c of columns) {
    const value = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
    const { rows } = await pool.query<{ label: string }>(
      `SELECT n.label FROM unnest($1::text[], $2::text[]) AS n(label, re)
        WHERE EXISTS (SELECT 1 FROM "${c.table_name}" WHERE ${value} ~* n.re)`,
      [NEEDLES.map((n) => n[0]), NEEDLES.map((n) => n[1])],
    );
    hits.push(...rows.map((r) => `${c.table_name}.${c.column_name}: ${r.label}`));
  }
  return hits;
}

/** Every key of the queue's prefix, and every value in it (strings, hashes, lists, sets, streams). */
async function redisTexts(prefix: string): Promise<string[]> {
  const redis = new Redis(services().redis!);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(0);
    const texts = [...keys];
    for (const key of keys) texts.push(...(await redisValues(redis, key)));
    return texts;
  } finally {
    redis.disconnect();
  }
}

async function redisValues(redis: Redis, key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case 'string':
      return [(await redis.get(key)) ?? ''];
    case 'hash':
      return Object.entries(await redis.hgetall(key)).flat();
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, '0', '-1');
    case 'stream':
      return (await redis.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    default:
      return [];
  }
}

/** Every file under `dir` (none when it does not exist), with its text. */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
}

/**
 * An SMTP server that refuses `once` the first time and `always` every time, quoting the address
 * in its reply as real servers do ("450 4.2.0 <a@b>: Recipient address rejected").
 */
async function refusingSmtp(refuse: { once: string; always: string }) {
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(to, _session, callback) {
      const address = to.address.toLowerCase();
      if (address !== refuse.always && (address !== refuse.once || refused > 0)) return callback();
      if (address === refuse.once) refused++;
      callback(
        Object.assign(new Error(`4.2.0 <${to.address}>: Recipient address rejected: greylisted, try again later`), {
          responseCode: 450,
        }),
      );
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    refusedOnce: () => refused === 1,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The published order, placed now and paid, by `email` (as customer 191167, or as a guest). */
function order(id: number, email: string, as: 'customer' | 'guest'): string {
  const sample = fixtureJson('shopify-orders-create.json');
  const customer = as === 'guest' ? null : { ...(sample.customer as object), id: CUSTOMER_ID, email };
  return JSON.stringify({
    ...sample,
    id,
    email,
    contact_email: email,
    customer,
    cancelled_at: null,
    cancel_reason: null,
    financial_status: 'paid',
    created_at: new Date().toISOString(),
  });
}

describe.skipIf(missing('postgres', 'redis')).each(['smtp', 'outbox'] as const)('complete erasure (%s)', (mode) => {
  const shop = uniqueShop(`erase-${mode}`);
  const logs: string[] = [];
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof refusingSmtp>> | undefined;
  // Over SMTP the guest's address is refused on every attempt: its job ends failed, kept in Redis.
  const guestStatus = mode === 'smtp' ? 'failed' : 'sent';
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await app.db.pool.query(sql, params)).rows as T[];
  const post = async (topic: string, body: string) => {
    const answer = await postShopifyRaw(app, topic, body, { shop });
    expect(answer.status, `${topic}: ${answer.text}`).toBe(200);
  };
  const crossSell = async (orderId: number) =>
    (
      await q<{ id: string; status: string }>(
        `SELECT id::text AS id, status FROM cross_sells WHERE store = $1 AND order_id = $2`,
        [shop, String(orderId)],
      )
    )[0];
  const outboxDir = () => path.join(app.settings.env.AFTERCART_DATA_DIR, 'outbox');
  const requestsDir = () => path.join(app.settings.env.AFTERCART_DATA_DIR, 'data-requests');

  beforeAll(async () => {
    smtp = mode === 'smtp' ? await refusingSmtp({ once: EMAIL, always: GUEST }) : undefined;
    app = await startTestApp({
      setup: 'services',
      config: deliveryConfig(),
      smtpUrl: smtp?.url,
      logLines: logs,
      env: { LOG_LEVEL: 'info', JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '300' },
    });
    // Another store's customer, who must be left alone.
    for (const event of [...sampleProducts(), sampleOrder('KEEP-1', { email: 'olga@example.org' })])
      expect((await app.postEvent(event)).status).toBe(200);

    // The bought product declares product 1001 its complement (as in tests/delivery/product-links.test.ts).
    const tShirt = fixtureJson('shopify-products-create.json');
    const metafields = [
      {
        namespace: 'shopify--discovery--product_recommendation',
        key: 'complementary_products',
        value: '["gid://shopify/Product/1001"]',
      },
    ];
    await post('products/create', JSON.stringify({ ...tShirt, id: 1001, product_type: 'Socks' }));
    await post('products/create', JSON.stringify({ ...tShirt, metafields }));

    await post('orders/create', order(OLD_ORDER, OLD, 'customer'));
    // The customer changes address: the row keyed by the old one now holds the new address and names.
    const update = fixtureJson('shopify-customers-update.json');
    await post(
      'customers/update',
      JSON.stringify({ ...update, id: CUSTOMER_ID, email: EMAIL, updated_at: new Date().toISOString() }),
    );
    await post('orders/create', order(NEW_ORDER, EMAIL, 'customer'));
    await post('orders/create', order(GUEST_ORDER, GUEST, 'guest'));
    for (const [id, status] of [
      [OLD_ORDER, 'sent'],
      [NEW_ORDER, 'sent'],
      [GUEST_ORDER, guestStatus],
    ] as const) {
      await until(async () => (await crossSell(id))?.status === status, 25_000);
    }
    if (smtp) expect(smtp.refusedOnce()).toBe(true);

    const fulfillment = fixtureJson('shopify-fulfillments-update.json');
    await post('fulfillments/update', JSON.stringify({ ...fulfillment, order_id: NEW_ORDER, email: EMAIL }));
    await post(
      'refunds/create',
      JSON.stringify({ ...fixtureJson('shopify-refunds-create.json'), order_id: OLD_ORDER }),
    );
    const sent = (await crossSell(NEW_ORDER))!;
    const click = await fetch(
      `${app.base}/c/${app.links.sign({ kind: 'c', crossSellId: sent.id, productId: '1001' })}`,
      { redirect: 'manual' },
    );
    expect(click.status).toBe(302);
    const unsubscribe = await fetch(`${app.base}/u/${app.links.sign({ kind: 'u', crossSellId: sent.id })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.status).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it("customers/data_request (the published sample) writes the customer's data to an owner-only file and logs where, not the address", async () => {
    await post('customers/data_request', fixtureText('shopify-customers-data-request.json'));
    const line = await until(async () => logs.find((l) => l.includes('customer data request')));
    const logged = JSON.parse(line) as { path: string; store: string; requestId: string };
    expect(logged).toMatchObject({ store: shop, requestId: '9999' });
    expect(logged.path.startsWith(requestsDir() + path.sep)).toBe(true);
    for (const address of [EMAIL, OLD, GUEST]) expect(line).not.toContain(address);
    const dataRequestFile = logged.path;
    expect((await stat(dataRequestFile)).mode & 0o777).toBe(0o600);

    const answer = JSON.parse(await readFile(dataRequestFile, 'utf8'));
    expect(answer).toMatchObject({
      store: shop,
      requestId: '9999',
      request: { email: EMAIL, customerId: String(CUSTOMER_ID) },
    });
    // Orders under every address: the old one, the new one, and the guest order it names.
    expect(answer.orders.map((o: { orderId: string }) => o.orderId).sort()).toEqual(
      [String(NEW_ORDER), String(GUEST_ORDER), String(OLD_ORDER)].sort(),
    );
    expect(answer.customers.map((c: { email: string }) => c.email).sort()).toEqual([EMAIL, EMAIL, GUEST].sort());
    const sentTo = mode === 'smtp' ? [NEW_ORDER, OLD_ORDER] : [NEW_ORDER, GUEST_ORDER, OLD_ORDER];
    expect(answer.emailsSent.map((e: { orderId: string }) => e.orderId).sort()).toEqual(sentTo.map(String).sort());
    expect(answer.emailsSent[0].items[0]).toMatchObject({ productId: '1001' });
    expect(answer.emailsSent[0].items[0].href).toBeUndefined();
    expect(answer.decisions).toHaveLength(3);
    expect(answer.clicks).toEqual([expect.objectContaining({ orderId: String(NEW_ORDER), productId: '1001' })]);
    expect(answer.suppressions).toEqual([expect.objectContaining({ store: shop, reason: 'unsubscribed' })]);
    // The request's own payload is not kept (it names the address).
    expect(
      await q(`SELECT payload FROM deliveries WHERE store = $1 AND topic = 'customers/data_request'`, [shop]),
    ).toEqual([{ payload: null }]);
  });

  it('before the erasure the searches find the customer everywhere they look', async () => {
    expect(await databaseHits(app.db.pool)).toEqual(
      expect.arrayContaining([
        `customers.email: ${EMAIL}`,
        `customers.first_name: Bob`,
        `customers.external_id: customer id`,
        `deliveries.payload: 123 Shipping Street`,
        `suppressions.email: ${EMAIL}`,
      ]),
    );
    expect(
      found(
        'data request',
        (await filesUnder(requestsDir())).map((f) => f.text),
      ),
    ).toContain(`data request: ${EMAIL}`);
    const redis = await redisTexts(app.settings.env.QUEUE_PREFIX);
    if (mode === 'smtp') {
      // The failed job and the queue's events stream keep the SMTP reply, redacted.
      expect(
        redis.filter((t) =>
          t.includes('all recipients were rejected: 450 4.2.0 <redacted>: Recipient address rejected'),
        ).length,
      ).toBeGreaterThan(1);
    } else {
      const emails = await filesUnder(outboxDir());
      expect(emails).toHaveLength(4); // three to the customer's addresses, one to the other store's
      for (const { file } of emails) expect((await stat(file)).mode & 0o777, file).toBe(0o600);
      // The old address's order went to the address the customer changed to.
      expect(
        found(
          'outbox',
          emails.map((e) => e.text),
        ),
      ).toEqual(expect.arrayContaining([`outbox: ${EMAIL}`, `outbox: ${GUEST}`]));
    }
    expect(found('redis', redis)).toEqual([]);
  });

  it('after customers/redact (the published sample) no column, Redis key, outbox or data-request file names the customer', async () => {
    await post('customers/redact', fixtureText('shopify-customers-redact.json'));

    expect(await databaseHits(app.db.pool)).toEqual([]);
    expect(found('redis', await redisTexts(app.settings.env.QUEUE_PREFIX))).toEqual([]);
    const outbox = await filesUnder(outboxDir());
    expect(
      found(
        'outbox',
        outbox.map((f) => f.text),
      ),
    ).toEqual([]);
    expect(outbox).toHaveLength(mode === 'outbox' ? 1 : 0); // the other store's customer's email stays
    expect(await filesUnder(requestsDir())).toEqual([]);
    expect(logs.filter((l) => [EMAIL, OLD, GUEST].some((a) => l.includes(a)))).toEqual([]);
  });

  it('anonymous counts stay, the rows are re-keyed apart from any address, and the other store is untouched', async () => {
    expect(await q(`SELECT count(*)::int AS n FROM orders WHERE store = $1`, [shop])).toEqual([{ n: 3 }]);
    expect(await q(`SELECT order_id, status FROM cross_sells WHERE store = $1 ORDER BY order_id`, [shop])).toEqual([
      { order_id: String(NEW_ORDER), status: 'sent' },
      { order_id: String(GUEST_ORDER), status: guestStatus },
      { order_id: String(OLD_ORDER), status: 'sent' },
    ]);
    const customers = await q<{ customer_key: string; erased: boolean }>(
      `SELECT customer_key, erased_at IS NOT NULL AS erased FROM customers WHERE store = $1`,
      [shop],
    );
    expect(customers).toHaveLength(3);
    for (const c of customers) expect(c).toEqual({ customer_key: expect.stringMatching(/^x-/), erased: true });
    expect(
      await q(
        `SELECT count(*)::int AS n FROM deliveries WHERE store = $1 AND (payload IS NOT NULL OR customer_key IS NOT NULL) AND topic NOT LIKE 'products/%'`,
        [shop],
      ),
    ).toEqual([{ n: 0 }]);
    expect(await q(`SELECT reason, email FROM suppressions WHERE store = $1`, [shop])).toEqual([
      { reason: 'unsubscribed', email: null },
    ]);
    expect(await q(`SELECT email, first_name FROM customers WHERE store = 'demo'`)).toEqual([
      { email: 'olga@example.org', first_name: 'Ann' },
    ]);
  });

  it("a store's erasure (canonical store.erased) deletes its data-request answers and outbox emails", async () => {
    expect(
      (await app.postEvent({ type: 'customer.data_requested', data: { store: 'demo', email: 'olga@example.org' } }))
        .status,
    ).toBe(200);
    const [answer] = await filesUnder(path.join(requestsDir(), 'demo'));
    expect(JSON.parse(answer!.text).orders).toEqual([expect.objectContaining({ orderId: 'KEEP-1' })]);
    expect((await app.postEvent({ type: 'store.erased', data: { store: 'demo' } })).status).toBe(200);
    expect(await filesUnder(requestsDir())).toEqual([]);
    expect(await filesUnder(outboxDir())).toEqual([]);
  });
});
