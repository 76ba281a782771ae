// npm run bench: real PostgreSQL and Redis (DATABASE_URL, REDIS_URL; by default the local
// services scripts/services.sh starts) and a local SMTP server it starts itself. Prints one
// JSON document as its last line; parts measured side by side in the same run.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.js';
import { benchSend } from './send.js';
import { benchQueue } from './queue.js';
import { eraseBenchData } from './stores.js';
import { migrate } from '../src/db/migrate.js';
import path from 'node:path';
import pg from 'pg';
import { installSecret, openAddressKey } from '../src/privacy/address-key.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, seconds: { type: 'string', default: '10' } } });
const parts = values.only ? values.only.split(',') : ['ingest', 'send', 'recommend', 'queue'];
const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/aftercart_bench',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const result: Record<string, unknown> = { machine: { cpus: os.cpus().length, node: process.version } };

// Each part starts from a database holding no store of an earlier part or run, and settled:
// the ingest part's 42,000 scheduled cross-sells would be re-added to the queue by the send
// part's reconciler, and the autovacuum a part's writes set off would run during the next part
// and be timed with it, as would a checkpoint of their writes (an import after the ingest part
// took 51 s instead of 15).
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
await migrate(pool);
// The address key the bench's `serve` and `work` children use (they share this env and cwd): the
// send part seeds customer keys with it, so the worker takes the path real orders take.
const dataDir = path.resolve(process.env.AFTERCART_DATA_DIR ?? './.aftercart');
await openAddressKey(pool, await installSecret(process.env.LINK_SECRET, dataDir));
const settle = async () => {
  await eraseBenchData(pool);
  await pool.query('VACUUM (ANALYZE)');
  // Dirty pages written now, not by a checkpoint in the middle of the next part.
  await pool
    .query('CHECKPOINT')
    .catch((err: Error) => log(`no CHECKPOINT (${err.message}): later parts may pay for earlier writes`));
};
await settle();

if (parts.includes('ingest')) {
  log('ingest: signed Shopify orders/create vs the one-INSERT-one-add baseline');
  result.ingest = await benchIngest(env, { seconds: Number(values.seconds) });
  // Shown now: erasing the part's stores afterwards can take minutes on a busy machine.
  log(`ingest: ${JSON.stringify(result.ingest)}`);
  await settle();
}
if (parts.includes('send')) {
  log('send: due jobs → one worker process → local SMTP, and render-only');
  result.send = await benchSend(env, { emails: 3_000 });
  await settle();
}
if (parts.includes('recommend')) {
  const { benchRecommend } = await import('./recommend.js').catch(() => ({ benchRecommend: null }));
  if (benchRecommend) {
    log('recommend: item selection with the Online Retail history loaded');
    result.recommend = await benchRecommend(env);
    await settle();
  }
}
if (parts.includes('queue')) {
  log('queue: Redis bytes per scheduled send');
  result.queue = await benchQueue(env, { jobs: 10_000 });
}
await eraseBenchData(pool);
await pool.end();
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
