// aftercart preview ORDER_ID [--store S] [--out FILE]
//
// Renders the cross-sell email of one order without sending it: the cross-sell is loaded the way
// the worker loads it (workers/sql/load-cross-sell.sql), items are picked by the same
// PostgresItemPicker, and the props are built by the same crossSellProps(). A dry run: nothing
// is claimed, recorded or queued. The HTML goes to --out FILE, else stdout; one summary line
// (subject, items, status) goes to stderr. Links are signed with LINK_SECRET (or the embedded
// set-up's secret in the data dir) so they are the links the email would carry.
// Exit 0: rendered; 1: no such order, nothing to recommend, or no tables; 2: usage.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import { settingsFor, settingsSource } from '../config/store-settings.js';
import { openDatabase } from '../db/database.js';
import { LinkSigner } from '../http/links.js';
import { crossSellProps } from '../mail/preview-props.js';
import { renderCrossSell, type RenderedEmail } from '../mail/render.js';
import { figuresWindow } from '../eligibility/figures.js';
import { PostgresItemPicker } from '../recommend/postgres-item-picker.js';
import type { LoadedCrossSell } from '../../workers/deliver.js';

const usage = 'usage: aftercart preview ORDER_ID [--store S] [--out FILE]\n';
const loadCrossSell = readFileSync(new URL('../../workers/sql/load-cross-sell.sql', import.meta.url), 'utf8');

export interface PreviewOptions {
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export async function run(argv: string[], opts: PreviewOptions = {}): Promise<number> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  let values: { store?: string; out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: { store: { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
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

  const settings = await loadSettings(opts.env ?? process.env);
  const { env } = settings;
  const dataDir = path.resolve(env.AFTERCART_DATA_DIR);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir, command: 'preview' });
  try {
    const { rows: found } = await db.pool.query<{ id: string; store: string }>(
      `SELECT id::text AS id, store FROM cross_sells WHERE order_id = $1 AND ($2::text IS NULL OR store = $2) ORDER BY store`,
      [orderId, values.store ?? null],
    );
    if (found.length === 0) {
      err.write(`aftercart preview: no cross-sell for order ${orderId}${values.store ? ` in ${values.store}` : ''}\n`);
      return 1;
    }
    if (found.length > 1) {
      err.write(`aftercart preview: order ${orderId} exists in ${found.length} stores (${found.map((f) => f.store).join(', ')}): pass --store\n`);
      return 2;
    }
    // The order's store's settings: its sender, branding, items and bundle (config `stores`).
    const config = settingsFor(settings.config, found[0]!.store);
    const { rows } = await db.pool.query<LoadedCrossSell>(loadCrossSell, [found[0]!.id, ...figuresWindow(config, new Date())]);
    const xs = rows[0];
    if (!xs) {
      err.write(`aftercart preview: order ${orderId} has no order record\n`);
      return 1;
    }

    // The same request the worker makes; the picker only reads.
    const picker = new PostgresItemPicker(db.pool, () => config);
    const picked = await picker.pick({
      store: xs.store, customerKey: xs.customerKey, orderIds: [xs.orderId, ...xs.siblings.map((s) => s.orderId)],
      lines: xs.lines, limit: config.recommend.maxItems, context: xs.itemContext ?? undefined,
    });
    if (picked.items.length === 0) {
      err.write(`aftercart preview: nothing to recommend for order ${orderId} (${xs.store}): no_complements, ${picked.considered} candidate(s) considered\n`);
      return 1;
    }

    const publicUrl = env.PUBLIC_URL.replace(/\/$/, '');
    const links = linkSigner(env.LINK_SECRET, dataDir);
    const items = picked.items.map((item) => ({
      ...item,
      href: `${publicUrl}/c/${links ? links.sign({ kind: 'c', crossSellId: xs.id, productId: item.productId }) : `preview-${encodeURIComponent(item.productId)}`}`,
    }));
    const unsubscribeUrl = `${publicUrl}/u/${links ? links.sign({ kind: 'u', crossSellId: xs.id }) : 'preview'}`;
    const rendered = await renderCrossSell(crossSellProps({ config, crossSell: xs, items, unsubscribeUrl }));

    if (values.out) await writeFile(values.out, rendered.html);
    else out.write(rendered.html);
    err.write(summary(xs, rendered, items.map((i) => i.productId), values.out));
    err.write(`settings: ${settingsSource(settings.config, xs.store)}, from ${config.store.from}\n`);
    return 0;
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') {
      err.write('aftercart preview: the database has no Aftercart tables yet; run `aftercart migrate` first\n');
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

/** LINK_SECRET, else the embedded set-up's secret if one was created; never creates one. */
function linkSigner(secret: string | undefined, dataDir: string): LinkSigner | undefined {
  if (secret) return new LinkSigner(secret);
  const file = path.join(dataDir, 'link-secret');
  return existsSync(file) ? new LinkSigner(readFileSync(file, 'utf8').trim()) : undefined;
}

function summary(xs: LoadedCrossSell, rendered: RenderedEmail, productIds: string[], file: string | undefined): string {
  return `preview of order ${xs.orderId} (${xs.store}, status ${xs.status}): "${rendered.subject}", items ${productIds.join(', ')}${file ? ` → ${file}` : ''}\n`;
}
