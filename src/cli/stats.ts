// aftercart stats [--json] [--since DATE] [--store S]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import { settingsSource } from '../config/store-settings.js';
import { findStore, knownStores } from '../stores/known-stores.js';
import { openDatabase } from '../db/database.js';
import { isUndefinedTable } from '../db/errors.js';
import { loadStats } from '../stats/funnel.js';
import { formatFunnel } from '../stats/format-funnel.js';
import { parseSince } from '../stats/since.js';

const usage = 'usage: aftercart stats [--json] [--since YYYY-MM-DD] [--store S]\n';

export async function run(argv: string[]): Promise<number> {
  let values: { json?: boolean; since?: string; store?: string; help?: boolean };
  let since: Date | undefined;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        since: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    since = parseSince(values.since);
  } catch (err) {
    process.stderr.write(`aftercart stats: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const { env, config } = await loadSettings();
  const db = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: path.resolve(env.AFTERCART_DATA_DIR),
    command: 'stats',
  });
  try {
    const store = values.store === undefined ? undefined : await findStore(db.pool, values.store, config);
    if (values.store !== undefined && store === undefined) {
      process.stderr.write(
        `aftercart stats: no such store "${values.store}" (known: ${(await knownStores(db.pool, config)).join(', ') || 'none yet'})\n`,
      );
      return 1;
    }
    const stats = await loadStats(db.pool, { since, store, measureWindowMs: config.measure.window });
    // Which settings apply to the store (config `stores`), beside the figures.
    const settings = settingsSource(config, store);
    process.stdout.write(
      values.json
        ? JSON.stringify({ ...stats, settings }, null, 2) + '\n'
        : formatFunnel(stats) + (store ? `settings: ${settings}\n` : ''),
    );
    return 0;
  } catch (err) {
    // A database that was never migrated has no tables yet: say so instead of a stack trace.
    if (isUndefinedTable(err)) {
      process.stderr.write(
        'aftercart stats: the database has no Aftercart tables yet; run `aftercart migrate` first\n',
      );
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}
