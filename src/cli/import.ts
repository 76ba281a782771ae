// aftercart import catalog FILE [--store S]
// aftercart import orders FILE [--store S]
// aftercart import codes FILE --store S   (bundle codes for recommend.bundle.codes.source 'pool')
//
// The store defaults to "default" (imports into the store id webhooks of that store use, e.g.
// the Shopify shop domain, need --store). Migrations run first, so an import works on a fresh
// database. On a terminal a progress bar runs on stderr; the summary line goes to stdout and bad
// rows are listed on stderr as "line N: why". Bad rows do not fail the command (exit 0): they are
// reported and skipped. Exit 1: the file cannot be read or is not a known format; 2: usage.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import cliProgress from 'cli-progress';
import { loadSettings, type Settings } from '../config/load.js';
import { settingsFor } from '../config/store-settings.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { MissingColumnError } from '../import/readers/csv-rows.js';
import { openText } from '../import/readers/open-text.js';
import { FormatError } from '../import/detect-format.js';
import { importCatalog } from '../import/import-catalog.js';
import { importOrders } from '../import/import-orders.js';
import { installSecret, openAddressKey } from '../privacy/address-key.js';
import { parseCodeFile } from '../offers/codes/code-file.js';
import { addPoolCodes, poolLeft } from '../offers/codes/pool.js';
import { LOW_POOL } from '../offers/offer-stats.js';

export const DEFAULT_STORE = 'default';

const usage = `usage: aftercart import catalog FILE [--store S]
       aftercart import orders FILE [--store S]
       aftercart import codes FILE --store S
`;

export interface ImportCommandOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Runs after `import orders` has written the history, with the pool and store: the hook for
   * rebuilding the store's co-purchase table (src/recommend).
   */
  afterOrders?: (pool: pg.Pool, store: string) => Promise<void>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

type Kind = 'catalog' | 'orders' | 'codes';
type Bar = Awaited<ReturnType<typeof progressBar>> | undefined;
interface Streams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export async function run(argv: string[], opts: ImportCommandOptions = {}): Promise<number> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const args = parseImportArgs(argv, err);
  if (typeof args === 'number') return args;
  const { kind, file, store } = args;
  if (!(await isReadableFile(file, err))) return 1;

  const settings = await loadSettings(opts.env ?? process.env);
  const db = await openDatabase({
    url: settings.env.DATABASE_URL,
    dataDir: path.resolve(settings.env.AFTERCART_DATA_DIR),
    command: 'import',
  });
  const bar =
    err.isTTY && kind !== 'codes' ? await progressBar(file, err, kind === 'orders' ? 'lines' : 'rows') : undefined;
  try {
    await migrate(db.pool);
    if (kind === 'codes') {
      bar?.stop();
      await importCodes(db.pool, store, file, out, err);
    } else if (kind === 'catalog') {
      await importCatalogFile(db.pool, store, file, settings, bar, { out, err });
    } else {
      await importOrdersFile(db.pool, store, file, settings, opts, bar, { out, err });
    }
    return 0;
  } catch (e) {
    bar?.stop();
    if (isUnreadableFormat(e, file)) {
      err.write(`aftercart import: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

/** The kind, file and store; or the exit code (2) after printing the usage. */
function parseImportArgs(
  argv: string[],
  err: NodeJS.WritableStream,
): { kind: Kind; file: string; store: string } | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { store: { type: 'string' } } });
  } catch (e) {
    err.write(`aftercart import: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  const [kind, file, ...extra] = parsed.positionals;
  const store = parsed.values.store?.trim() || DEFAULT_STORE;
  const codesWithoutStore = kind === 'codes' && !parsed.values.store?.trim();
  if ((kind !== 'catalog' && kind !== 'orders' && kind !== 'codes') || !file || extra.length > 0 || codesWithoutStore) {
    err.write(usage);
    return 2;
  }
  return { kind, file, store };
}

async function isReadableFile(file: string, err: NodeJS.WritableStream): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    return true;
  } catch (e) {
    err.write(`aftercart import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return false;
  }
}

/** A file of an unknown format or missing a column: reported, exit 1, no stack trace. */
function isUnreadableFormat(e: unknown, file: string): boolean {
  return (
    e instanceof FormatError ||
    e instanceof MissingColumnError ||
    ((e as Error).message?.startsWith(`${file}: not a`) ?? false)
  );
}

async function importCatalogFile(
  pool: pg.Pool,
  store: string,
  file: string,
  { config }: Settings,
  bar: Bar,
  { out, err }: Streams,
): Promise<void> {
  const r = await importCatalog(pool, store, file, {
    // The store's own link settings (config `stores`).
    storeUrl: settingsFor(config, store).store.url,
    linkHosts: settingsFor(config, store).store.linkHosts,
    onProgress: (p) => bar?.update(p.line, { what: `${fmt(p.imported)} products, ${fmt(p.failed)} bad` }),
  });
  bar?.stop();
  for (const f of r.failed) err.write(`line ${f.line}: ${f.error}\n`);
  for (const w of r.warnings) err.write(`line ${w.line}: warning: ${w.error}\n`);
  out.write(
    `imported catalog ${file} (${r.format}) into store ${store}: ${fmt(r.imported)} products, ${fmt(r.failed.length)} bad rows skipped, ${r.seconds.toFixed(1)} s\n`,
  );
}

async function importOrdersFile(
  pool: pg.Pool,
  store: string,
  file: string,
  { env }: Settings,
  opts: ImportCommandOptions,
  bar: Bar,
  { out, err }: Streams,
): Promise<void> {
  // Customers are keyed as the server keys them (src/privacy/address-key.ts).
  await openAddressKey(pool, await installSecret(env.LINK_SECRET, path.resolve(env.AFTERCART_DATA_DIR)));
  const r = await importOrders(pool, store, file, {
    afterOrders: opts.afterOrders,
    onProgress: (p) => bar?.update(p.line, { what: `${fmt(p.orders)} orders, ${fmt(p.skipped)} skipped` }),
  });
  bar?.stop();
  for (const e of r.errors) err.write(`line ${e.line}: ${e.error}\n`);
  const rate = r.seconds > 0 ? Math.round((r.lines + r.skipped) / r.seconds) : 0;
  out.write(
    `imported orders ${file} (${r.format}) into store ${store}: ${fmt(r.lines)} lines, ${fmt(r.orders)} orders ` +
      `(${fmt(r.returns)} with returns), ${fmt(r.customers)} customers, ${fmt(r.skipped)} rows skipped, ` +
      `${r.seconds.toFixed(1)} s (${fmt(rate)} rows/s)\n`,
  );
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Pool codes: bad lines and duplicates (in the file or already in the pool) reported, not added. */
async function importCodes(
  pool: pg.Pool,
  store: string,
  file: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const parsed = parseCodeFile(await readFile(file, 'utf8'));
  for (const b of parsed.bad) err.write(`line ${b.line}: ${b.error}\n`);
  const r = await addPoolCodes(pool, store, parsed.codes);
  if (r.duplicates.length)
    err.write(
      `duplicates (not added): ${r.duplicates.slice(0, 20).join(', ')}${r.duplicates.length > 20 ? ', …' : ''}\n`,
    );
  const left = (await poolLeft(pool, store))[store] ?? 0;
  out.write(
    `imported codes ${file} into store ${store}: ${fmt(r.added)} added, ${fmt(r.duplicates.length)} duplicates, ` +
      `${fmt(parsed.bad.length)} bad lines; ${fmt(left)} unused codes in the pool\n`,
  );
  if (left < LOW_POOL) err.write(`warning: fewer than ${LOW_POOL} unused codes left in store ${store}'s pool\n`);
}

/** A bar over the file's lines (counted first: a quick pass, gzip included). */
async function progressBar(file: string, stream: NodeJS.WritableStream, unit: string) {
  const total = await countLines(file);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {what} | {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 1, { what: '' });
  return {
    update: (line: number, payload: { what: string }) => bar.update(Math.min(line, total), payload),
    stop: () => bar.stop(),
  };
}

export async function countLines(file: string): Promise<number> {
  let n = 0;
  let last = 10;
  const input = await openText(file);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return last === 10 ? n : n + 1;
}
