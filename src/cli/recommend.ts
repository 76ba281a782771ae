// aftercart recommend ORDER_ID | --products A,B [--store S] [--customer EMAIL] [--json]:
// item selection as a dry run — nothing is claimed, recorded or sent.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import { settingsFor, settingsSource } from '../config/store-settings.js';
import { openDatabase } from '../db/database.js';
import { PostgresItemPicker } from '../recommend/pick-from-database.js';
import { noItemsText } from '../recommend/pick-items.js';
import { customerKey } from '../domain/customer-key.js';
import { installSecret, openAddressKey } from '../privacy/address-key.js';

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
    process.stderr.write(
      'usage: aftercart recommend ORDER_ID | --products A,B [--store S] [--customer EMAIL] [--json]\n',
    );
    return 2;
  }
  const settings = await loadSettings(options.env);
  const db = await openDatabase({
    url: settings.env.DATABASE_URL,
    dataDir: path.resolve(settings.env.AFTERCART_DATA_DIR),
    command: 'recommend',
  });
  try {
    let store = values.store ?? 'default';
    if (values.customer)
      await openAddressKey(
        db.pool,
        await installSecret(settings.env.LINK_SECRET, path.resolve(settings.env.AFTERCART_DATA_DIR)),
      );
    let key = values.customer ? customerKey({ email: values.customer }) : null;
    let lines: {
      orderId: string;
      productId: string;
      title: string;
      productType: string | null;
      quantity: number;
      unitPrice: string;
    }[];
    if (orderId) {
      const { rows } = await db.pool.query(
        `SELECT o.store, o.customer_key, l.order_id AS "orderId", l.product_id AS "productId", l.title, l.product_type AS "productType",
                l.quantity, l.unit_price::text AS "unitPrice"
           FROM orders o JOIN order_lines l ON l.store = o.store AND l.order_id = o.order_id
          WHERE o.order_id = $1 AND ($2::text IS NULL OR o.store = $2) ORDER BY l.line_no`,
        [orderId, values.store ?? null],
      );
      if (rows.length === 0) {
        process.stderr.write(`no order ${orderId}${values.store ? ` in ${values.store}` : ''}\n`);
        return 1;
      }
      store = rows[0].store;
      key = rows[0].customer_key;
      lines = rows;
    } else {
      const ids = values
        .products!.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const { rows } = await db.pool.query(
        `SELECT product_id, title, product_type FROM products WHERE store = $1 AND product_id = ANY($2)`,
        [store, ids],
      );
      const known = new Map(rows.map((r) => [r.product_id, r]));
      lines = ids.map((id) => ({
        orderId: '-',
        productId: id,
        title: known.get(id)?.title ?? id,
        productType: known.get(id)?.product_type ?? null,
        quantity: 1,
        unitPrice: '0',
      }));
    }
    const picker = new PostgresItemPicker(db.pool, () => settings.config, !db.embedded);
    const started = performance.now();
    const own = settingsFor(settings.config, store);
    const result = await picker.pick({
      store,
      customerKey: key,
      orderIds: orderId ? [orderId] : [],
      lines,
      limit: own.recommend.maxItems,
    });
    const ms = performance.now() - started;
    if (values.json) {
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
      return 0;
    }
    process.stdout.write(`${store}: ${settingsSource(settings.config, store)}\n`);
    if (result.items.length === 0) {
      process.stdout.write(`${noItemsText(result)}\n`);
    } else {
      for (const [i, item] of result.items.entries())
        process.stdout.write(
          `${i + 1}. ${item.title} [${item.source}, score ${item.score.toFixed(3)}] — ${item.reason}\n`,
        );
    }
    return 0;
  } finally {
    await db.close();
  }
}
