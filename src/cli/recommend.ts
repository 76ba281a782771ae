// aftercart recommend ORDER_ID | --products A,B [--store S] [--customer EMAIL] [--json]:
// item selection as a dry run — nothing is claimed, recorded or sent.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings, type Settings } from '../config/load.js';
import { settingsFor, settingsSource } from '../config/store-settings.js';
import { openDatabase, type Database } from '../db/database.js';
import { PostgresItemPicker } from '../recommend/pick-from-database.js';
import { noItemsText } from '../recommend/pick-items.js';
import { customerKey } from '../domain/customer-key.js';
import { installSecret, openAddressKey } from '../privacy/address-key.js';
import type { PickRequest } from '../recommend/item-picker-interface.js';

const usage = 'usage: aftercart recommend ORDER_ID | --products A,B [--store S] [--customer EMAIL] [--json]\n';

type Line = PickRequest['lines'][number];
type Picked = Awaited<ReturnType<PostgresItemPicker['pick']>>;
/** Whose items to pick: the order's store, customer and lines, or the listed products. */
interface Basket {
  store: string;
  key: string | null;
  lines: Line[];
}

export async function run(argv: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      products: { type: 'string' },
      customer: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const orderId = positionals[0];
  if (!orderId && !values.products) {
    process.stderr.write(usage);
    return 2;
  }
  const settings = await loadSettings(options.env);
  const db = await openDatabase({
    url: settings.env.DATABASE_URL,
    dataDir: path.resolve(settings.env.AFTERCART_DATA_DIR),
    command: 'recommend',
  });
  try {
    const key = values.customer ? await customerKeyOf(db, settings, values.customer) : null;
    const basket = orderId
      ? await orderBasket(db, orderId, values.store)
      : await productBasket(db, values.store ?? 'default', key, values.products!);
    if (!basket) {
      process.stderr.write(`no order ${orderId}${values.store ? ` in ${values.store}` : ''}\n`);
      return 1;
    }
    const picker = new PostgresItemPicker(db.pool, () => settings.config, !db.embedded);
    const started = performance.now();
    const own = settingsFor(settings.config, basket.store);
    const result = await picker.pick({
      store: basket.store,
      customerKey: basket.key,
      orderIds: orderId ? [orderId] : [],
      lines: basket.lines,
      limit: own.recommend.maxItems,
    });
    const ms = performance.now() - started;
    if (values.json) printJson(settings, basket.store, orderId, result, ms);
    else printText(settings, basket.store, result);
    return 0;
  } finally {
    await db.close();
  }
}

/** `--customer EMAIL` keyed as the server keys customers (src/privacy/address-key.ts). */
async function customerKeyOf(db: Database, settings: Settings, email: string): Promise<string | null> {
  const dataDir = path.resolve(settings.env.AFTERCART_DATA_DIR);
  await openAddressKey(db.pool, await installSecret(settings.env.LINK_SECRET, dataDir));
  return customerKey({ email });
}

/** The order's lines, store and customer; null when no such order (in that store). */
async function orderBasket(db: Database, orderId: string, store: string | undefined): Promise<Basket | null> {
  const { rows } = await db.pool.query(
    `SELECT o.store, o.customer_key, l.order_id AS "orderId", l.product_id AS "productId", l.title, l.product_type AS "productType",
            l.quantity, l.unit_price::text AS "unitPrice"
       FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
      WHERE o.order_id = $1 AND ($2::text IS NULL OR o.store = $2) ORDER BY l.line_no`,
    [orderId, store ?? null],
  );
  if (rows.length === 0) return null;
  return { store: rows[0].store, key: rows[0].customer_key, lines: rows };
}

/** `--products A,B`: one line each, titled from the catalog (the id when not in it). */
async function productBasket(db: Database, store: string, key: string | null, products: string): Promise<Basket> {
  const ids = products
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const { rows } = await db.pool.query(
    `SELECT product_id, title, product_type FROM products WHERE store = $1 AND product_id = ANY($2)`,
    [store, ids],
  );
  const known = new Map(rows.map((r) => [r.product_id, r]));
  const lines = ids.map((id) => ({
    orderId: '-',
    productId: id,
    title: known.get(id)?.title ?? id,
    productType: known.get(id)?.product_type ?? null,
    quantity: 1,
    unitPrice: '0',
  }));
  return { store, key, lines };
}

function printJson(settings: Settings, store: string, orderId: string | undefined, result: Picked, ms: number): void {
  const items = result.items.map(({ productId, title, source, score, reason }) => ({
    productId,
    title,
    source,
    score,
    reason,
  }));
  const settingsUsed = settingsSource(settings.config, store);
  const notInCatalog = result.notInCatalog && { notInCatalog: result.notInCatalog };
  const answer = {
    store,
    settings: settingsUsed,
    orderId: orderId ?? null,
    items,
    reason: result.reason,
    considered: result.considered,
    ...notInCatalog,
  };
  process.stdout.write(JSON.stringify({ ...answer, ms: Math.round(ms * 100) / 100 }) + '\n');
}

function printText(settings: Settings, store: string, result: Picked): void {
  process.stdout.write(`${store}: ${settingsSource(settings.config, store)}\n`);
  if (result.items.length === 0) {
    process.stdout.write(`${noItemsText(result)}\n`);
    return;
  }
  for (const [i, item] of result.items.entries())
    process.stdout.write(`${i + 1}. ${item.title} [${item.source}, score ${item.score.toFixed(3)}] — ${item.reason}\n`);
}
