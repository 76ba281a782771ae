// aftercart reschedule [--store S] [--apply] [--json]: pending cross-sells under the current config,
// each under its store's settings (config `stores`).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import { everyStoreSettings, settingsFor, settingsSource } from '../config/store-settings.js';
import { openDatabase } from '../db/database.js';
import { openQueue } from '../queue/cross-sell-queue.js';
import { reschedule } from '../reschedule/reschedule.js';
import { LearnedDelayCache, usesLearnedDelay } from '../timing/learned-delays.js';

export async function run(argv: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { apply: { type: 'boolean' }, json: { type: 'boolean' }, store: { type: 'string' } },
  });
  const settings = await loadSettings(options.env);
  const { env, config } = settings;
  const db = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: path.resolve(env.AFTERCART_DATA_DIR),
    command: 'reschedule',
  });
  const queue = values.apply ? await openQueue({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, db }) : undefined;
  try {
    const learned = new LearnedDelayCache(db.pool, () =>
      everyStoreSettings(config).some((s) => usesLearnedDelay(s.timing)),
    );
    const result = await reschedule({
      pool: db.pool,
      timing: (store) => settingsFor(config, store).timing,
      store: values.store,
      now: new Date(),
      apply: Boolean(values.apply),
      queue,
      learned: (s) => learned.get(s),
    });
    const changes = result.changes.map((c) => ({ ...c, settings: settingsSource(config, c.store) }));
    if (values.json) {
      process.stdout.write(JSON.stringify({ applied: Boolean(values.apply), ...result, changes }) + '\n');
      return 0;
    }
    for (const c of changes) {
      process.stdout.write(
        `${c.store} ${c.orderId}: ${c.from.status} ${c.from.dueAt ?? '-'} → ${c.to.status}${c.to.reason ? ` (${c.to.reason})` : ''} ${c.to.dueAt ?? '-'} [${c.settings}]\n`,
      );
    }
    process.stdout.write(
      `${result.changes.length} of ${result.pending} pending cross-sells ${values.apply ? 'changed' : 'would change (dry run; --apply to store)'}\n`,
    );
    return 0;
  } finally {
    await queue?.close();
    await db.close();
  }
}
