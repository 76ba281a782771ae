// `aftercart import catalog FILE`: Shopify product CSV, WooCommerce product CSV or canonical
// JSON lines (gzip or plain) upserted into products in multi-row batches.
// - A field the file does not give keeps the stored value (as a product.upserted webhook does);
//   a row identical to the stored one is not touched, so re-importing a file changes nothing.
// - WooCommerce Cross-sells become complements, Upsells become upsells; the reader resolves
//   their SKU references to product ids within the file.
// - A bad row is reported with its file line and skipped; the rest is imported.
import type pg from 'pg';
import type { Product } from '../domain/canonical-event.js';
import { readCanonicalProductsJsonl } from './readers/canonical-jsonl.js';
import { readShopifyProductsCsv } from './readers/shopify-products.js';
import { readWooProductsCsv } from './readers/woo-products.js';
import type { ProductRecord } from './readers/types.js';
import { detectCatalogFormat, type CatalogFormat } from './detect-format.js';
import { MAX_CENTS, toCents } from '../money/cents.js';
import { defaultLinkPolicy, withSafeLink, type LinkPolicy } from '../links/safe-url.js';
import { capCodePoints, TITLE_MAX } from '../text/caps.js';
import { sql } from '../db/sql.js';

const q = { upsertProducts: sql(import.meta.url, 'upsert-products') };

export interface CatalogProblem {
  line: number;
  error: string;
}

export interface ImportCatalogProgress {
  line: number;
  imported: number;
  failed: number;
}

export interface ImportCatalogOptions {
  onProgress?: (progress: ImportCatalogProgress) => void;
  /**
   * Shopify exports have no product URL: `${storeUrl}/products/${handle}` is used. Product URLs
   * off this store's host (and `linkHosts`) are dropped; default: the default config's store.url.
   */
  storeUrl?: string;
  linkHosts?: string[];
  /** CSV exports have no currency column. */
  currency?: string;
  /** Products per multi-row upsert (default 1,000). */
  batchSize?: number;
}

export interface ImportCatalogResult {
  format: CatalogFormat;
  /** Distinct products written (a re-import counts them again, though no row changes). */
  imported: number;
  /** Bad rows, by file line: skipped, the rest imported. */
  failed: CatalogProblem[];
  /** Rows imported without their product URL (not a safe link), by file line; never the URL. */
  warnings: CatalogProblem[];
  seconds: number;
}

interface Row {
  id: string;
  title: string;
  product_type?: string;
  vendor?: string;
  tags?: string[];
  url?: string;
  image_url?: string;
  price?: string;
  currency?: string;
  available?: boolean;
  complements?: { id: string; required?: true }[];
  upsells?: string[];
}

interface Pending {
  row: Row;
  line: number;
}

function readerFor(format: CatalogFormat, path: string, opts: ImportCatalogOptions): AsyncIterable<ProductRecord> {
  switch (format) {
    case 'shopify-products':
      return readShopifyProductsCsv(path, { storeUrl: opts.storeUrl, currency: opts.currency });
    case 'woocommerce-products':
      return readWooProductsCsv(path, { currency: opts.currency });
    case 'canonical-jsonl':
      return readCanonicalProductsJsonl(path);
  }
}

/** The product as a row for the upsert, or why it cannot be stored. */
export function toProductRow(p: Product): Row | string {
  const id = String(p.id ?? '').trim();
  if (!id) return 'product without an id';
  if (!p.title || !p.title.trim()) return `product ${id}: missing title`;
  if (p.price !== undefined) {
    const cents = toCents(p.price);
    if (cents === undefined || cents > MAX_CENTS || -cents > MAX_CENTS) return `product ${id}: bad price "${p.price}"`;
  }
  const row: Row = { id, title: capCodePoints(p.title.trim(), TITLE_MAX) };
  if (p.productType?.trim()) row.product_type = p.productType.trim();
  if (p.vendor?.trim()) row.vendor = p.vendor.trim();
  if (p.tags) row.tags = p.tags;
  if (p.url) row.url = p.url;
  if (p.imageUrl) row.image_url = p.imageUrl;
  if (p.price !== undefined) row.price = p.price;
  if (p.currency) row.currency = p.currency;
  if (p.available !== undefined) row.available = p.available;
  if (p.complements) {
    // A product is never its own complement; a repeated complement counts once.
    const seen = new Set<string>();
    row.complements = [];
    for (const c of p.complements) {
      const cid = String(c.id);
      if (cid === id || seen.has(cid)) continue;
      seen.add(cid);
      row.complements.push(c.required ? { id: cid, required: true } : { id: cid });
    }
  }
  if (p.upsells) row.upsells = [...new Set(p.upsells.map(String))].filter((u) => u !== id);
  return row;
}

export async function importCatalog(
  pool: pg.Pool,
  store: string,
  path: string,
  opts: ImportCatalogOptions = {},
): Promise<ImportCatalogResult> {
  const started = performance.now();
  const format = await detectCatalogFormat(path);
  const batchSize = opts.batchSize ?? 1000;
  const failed: CatalogProblem[] = [];
  const warnings: CatalogProblem[] = [];
  const links: LinkPolicy = { storeUrl: opts.storeUrl ?? defaultLinkPolicy.storeUrl, linkHosts: opts.linkHosts ?? [] };
  const written = new Set<string>();
  let line = 1;
  // Keyed by id: a product repeated in the file is written once per batch, the later row winning.
  let batch = new Map<string, Pending>();

  const flush = async () => {
    const rows = [...batch.values()];
    batch = new Map();
    await writeProducts(pool, store, rows, written, failed);
    opts.onProgress?.({ line, imported: written.size, failed: failed.length });
  };

  for await (const record of readerFor(format, path, opts)) {
    line = Math.max(line, record.line);
    const pending = pendingRow(record, links, failed, warnings);
    if (!pending) continue;
    batch.set(pending.row.id, pending);
    if (batch.size >= batchSize) await flush();
  }
  await flush();
  failed.sort((a, b) => a.line - b.line);
  return { format, imported: written.size, failed, warnings, seconds: (performance.now() - started) / 1000 };
}

/** The record as a row to write, or undefined with the reason added to `failed`; a dropped link is a warning. */
function pendingRow(
  record: ProductRecord,
  links: LinkPolicy,
  failed: CatalogProblem[],
  warnings: CatalogProblem[],
): Pending | undefined {
  if (!record.ok) {
    failed.push({ line: record.line, error: record.error });
    return undefined;
  }
  const { product, dropped } = withSafeLink(record.product, links);
  const row = toProductRow(product);
  if (typeof row === 'string') {
    failed.push({ line: record.line, error: row });
    return undefined;
  }
  if (dropped)
    warnings.push({
      line: record.line,
      error: `product ${row.id}: link dropped (not an http(s) link to the store host or store.linkHosts)`,
    });
  return { row, line: record.line };
}

/** Writes the rows in one statement; when the database refuses it, halves until the bad rows are found. */
async function writeProducts(
  pool: pg.Pool,
  store: string,
  rows: Pending[],
  written: Set<string>,
  failed: CatalogProblem[],
): Promise<void> {
  if (rows.length === 0) return;
  try {
    await pool.query(q.upsertProducts, [store, JSON.stringify(rows.map((r) => r.row))]);
    for (const r of rows) written.add(r.row.id);
  } catch (err) {
    if (rows.length === 1) {
      failed.push({ line: rows[0]!.line, error: `product ${rows[0]!.row.id}: ${(err as Error).message}` });
      return;
    }
    // Find the rows the database refuses; the others go in.
    const half = Math.ceil(rows.length / 2);
    await writeProducts(pool, store, rows.slice(0, half), written, failed);
    await writeProducts(pool, store, rows.slice(half), written, failed);
  }
}
