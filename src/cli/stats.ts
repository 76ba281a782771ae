// aftercart stats [--json] [--since DATE] [--store S]
import path from 'node:path';
import type pg from 'pg';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { settingsSource } from '../config/store-settings.js';
import { findStore, knownStores } from '../stores/known-stores.js';
import { openDatabase } from '../db/database.js';
import { isUndefinedTable } from '../db/errors.js';
import { loadStats } from '../stats/funnel.js';
import { formatFunnel } from '../stats/format-funnel.js';
import { parseSince } from '../stats/since.js';

const usage = 'usage: aftercart stats [--json] [--since YYYY-MM-DD] [--store S]\n';

interface StatsArgs {
  json?: boolean;
  since?: Date;
  store?: string;
  help?: boolean;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseStatsArgs(argv);
  if (!args) return 2;
  if (args.help) {
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
    return await printStats(db.pool, config, args);
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

/** The options, `--since` parsed; undefined after printing the usage for bad ones. */
function parseStatsArgs(argv: string[]): StatsArgs | undefined {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        since: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    return { ...values, since: parseSince(values.since) };
  } catch (err) {
    process.stderr.write(`aftercart stats: ${(err as Error).message}\n${usage}`);
    return undefined;
  }
}

/** The figures for the store (or all), as text or JSON; exit 1 for a store nobody knows. */
async function printStats(pool: pg.Pool, config: Config, args: StatsArgs): Promise<number> {
  const store = args.store === undefined ? undefined : await findStore(pool, args.store, config);
  if (args.store !== undefined && store === undefined) {
    process.stderr.write(
      `aftercart stats: no such store "${args.store}" (known: ${(await knownStores(pool, config)).join(', ') || 'none yet'})\n`,
    );
    return 1;
  }
  const stats = await loadStats(pool, { since: args.since, store, measureWindowMs: config.measure.window });
  // Which settings apply to the store (config `stores`), beside the figures.
  const settings = settingsSource(config, store);
  process.stdout.write(
    args.json
      ? JSON.stringify({ ...stats, settings }, null, 2) + '\n'
      : formatFunnel(stats) + (store ? `settings: ${settings}\n` : ''),
  );
  return 0;
}
