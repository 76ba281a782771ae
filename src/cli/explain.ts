// aftercart explain ORDER_ID [--store S] [--json]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import { openDatabase } from '../db/database.js';
import { explainOrder, formatExplanation } from '../explain/explain-order.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { store: { type: 'string' }, json: { type: 'boolean' } },
  });
  const orderId = positionals[0];
  if (!orderId) {
    process.stderr.write('usage: aftercart explain ORDER_ID [--store S] [--json]\n');
    return 2;
  }
  const { env, config } = await loadSettings();
  const db = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: path.resolve(env.AFTERCART_DATA_DIR),
    command: 'explain',
  });
  try {
    const found = await explainOrder(db.pool, orderId, values.store, config);
    if (found.length === 0) {
      if (values.json) process.stdout.write(JSON.stringify({ orderId, status: null, error: 'no such order' }) + '\n');
      else process.stderr.write(`no cross-sell for order ${orderId}${values.store ? ` in ${values.store}` : ''}\n`);
      return 1;
    }
    if (values.json) process.stdout.write(JSON.stringify(found.length === 1 ? found[0] : found, null, 2) + '\n');
    else process.stdout.write(found.map(formatExplanation).join('\n\n') + '\n');
    return 0;
  } finally {
    await db.close();
  }
}
