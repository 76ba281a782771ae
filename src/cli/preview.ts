// aftercart preview ORDER_ID [--store S] [--out FILE]
//
// Renders the cross-sell email of one order without sending it, with the worker's own steps: the
// cross-sell is loaded by workers/load-cross-sell.ts, and its items are picked (by the same
// PostgresItemPicker), linked and rendered by workers/compose.ts. A dry run: nothing
// is claimed, recorded or queued. The HTML goes to --out FILE, else stdout; one summary line
// (subject, items, status) goes to stderr. Links are signed with LINK_SECRET (or the embedded
// set-up's secret in the data dir) so they are the links the email would carry.
// Exit 0: rendered; 1: no such order, nothing to recommend, or no tables; 2: usage.
import { isUndefinedTable } from '../db/errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { loadSettings } from '../config/load.js';
import { settingsFor, settingsSource } from '../config/store-settings.js';
import { openDatabase } from '../db/database.js';
import { queryRunner } from '../db/sql.js';
import { LinkSigner, type LinkToken } from '../links/signed-links.js';
import type { RenderedEmail } from '../mail/render.js';
import { PostgresItemPicker } from '../recommend/pick-from-database.js';
import { loadCrossSell, type LoadedCrossSell } from '../../workers/load-cross-sell.js';
import { composeEmail, pickItems } from '../../workers/compose.js';

const usage = 'usage: aftercart preview ORDER_ID [--store S] [--out FILE]\n';

export interface PreviewOptions {
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export async function run(argv: string[], opts: PreviewOptions = {}): Promise<number> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const args = parseArguments(argv, out, err);
  if (typeof args === 'number') return args;

  const { env, config } = await loadSettings(opts.env ?? process.env);
  const dataDir = path.resolve(env.AFTERCART_DATA_DIR);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir, command: 'preview' });
  try {
    const publicUrl = env.PUBLIC_URL.replace(/\/$/, '');
    const links = linkSigner(env.LINK_SECRET, dataDir);
    return await previewOrder({ pool: db.pool, config, publicUrl, links, out, err }, args);
  } catch (e) {
    if (isUndefinedTable(e)) {
      err.write('aftercart preview: the database has no Aftercart tables yet; run `aftercart migrate` first\n');
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

interface PreviewArgs {
  orderId: string;
  store?: string;
  out?: string;
}

/** The arguments, or the exit code when there is nothing to preview (usage, --help). */
function parseArguments(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): PreviewArgs | number {
  let values: { store?: string; out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        store: { type: 'string' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    err.write(`aftercart preview: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    out.write(usage);
    return 0;
  }
  const [orderId, ...extra] = positionals;
  if (!orderId || extra.length > 0 || values.out === '') {
    err.write(usage);
    return 2;
  }
  return { orderId, store: values.store, out: values.out };
}

interface PreviewContext {
  pool: pg.Pool;
  config: Config;
  publicUrl: string;
  /** Undefined without LINK_SECRET or an embedded set-up's secret: links marked as the preview's. */
  links: LinkSigner | undefined;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** Loads, picks and composes as the worker does, and writes the HTML; the exit code. */
async function previewOrder(context: PreviewContext, args: PreviewArgs): Promise<number> {
  const { pool, publicUrl, links, out, err } = context;
  const { orderId } = args;
  const found = await findCrossSell(pool, args, err);
  if (typeof found === 'number') return found;
  const xs = await loadCrossSell(queryRunner(pool, false), found, context.config, new Date());
  if (!xs) {
    err.write(`aftercart preview: order ${orderId} has no order record\n`);
    return 1;
  }
  // The order's store's settings: its sender, branding, items and bundle (config `stores`).
  const config = settingsFor(context.config, xs.store);

  // The same request the worker makes; the picker only reads.
  const picked = await pickItems(new PostgresItemPicker(pool, () => config), config, xs);
  if (picked.items.length === 0) {
    err.write(
      `aftercart preview: nothing to recommend for order ${orderId} (${xs.store}): no_complements, ${picked.considered} candidate(s) considered\n`,
    );
    return 1;
  }

  const sign = links ? (link: LinkToken) => links.sign(link) : unsignedToken;
  const { rendered, items } = await composeEmail({ config, crossSell: xs, items: picked.items, publicUrl, sign });
  if (args.out) await writeFile(args.out, rendered.html);
  else out.write(rendered.html);
  err.write(
    summary(
      xs,
      rendered,
      items.map((i) => i.productId),
      args.out,
    ),
  );
  err.write(`settings: ${settingsSource(context.config, xs.store)}, from ${config.store.from}\n`);
  return 0;
}

/** The id of the order's cross-sell, or the exit code when there is none or --store must choose. */
async function findCrossSell(
  pool: pg.Pool,
  { orderId, store }: PreviewArgs,
  err: NodeJS.WritableStream,
): Promise<string | number> {
  const { rows: found } = await pool.query<{ id: string; store: string }>(
    `SELECT id::text AS id, store FROM cross_sells WHERE order_id = $1 AND ($2::text IS NULL OR store = $2) ORDER BY store`,
    [orderId, store ?? null],
  );
  if (found.length === 0) {
    err.write(`aftercart preview: no cross-sell for order ${orderId}${store ? ` in ${store}` : ''}\n`);
    return 1;
  }
  if (found.length > 1) {
    err.write(
      `aftercart preview: order ${orderId} exists in ${found.length} stores (${found.map((f) => f.store).join(', ')}): pass --store\n`,
    );
    return 2;
  }
  return found[0]!.id;
}

/** LINK_SECRET, else the embedded set-up's secret if one was created; never creates one. */
function linkSigner(secret: string | undefined, dataDir: string): LinkSigner | undefined {
  if (secret) return new LinkSigner(secret);
  const file = path.join(dataDir, 'link-secret');
  return existsSync(file) ? new LinkSigner(readFileSync(file, 'utf8').trim()) : undefined;
}

/** Without a secret the links cannot be the email's: marked as the preview's own. */
function unsignedToken(link: LinkToken): string {
  return link.kind === 'c' ? `preview-${encodeURIComponent(link.productId)}` : 'preview';
}

function summary(xs: LoadedCrossSell, rendered: RenderedEmail, productIds: string[], file: string | undefined): string {
  return `preview of order ${xs.orderId} (${xs.store}, status ${xs.status}): "${rendered.subject}", items ${productIds.join(', ')}${file ? ` → ${file}` : ''}\n`;
}
