// Which export a history or catalog file is, decided from its first line (after gunzip when the
// file is gzip): JSON lines start with `{`, CSV exports are told apart by their header columns.
import { createInterface } from 'node:readline';
import { openText } from './readers/open-text.js';

export type OrdersFormat = 'online-retail' | 'shopify-orders' | 'canonical-jsonl';
export type CatalogFormat = 'shopify-products' | 'woocommerce-products' | 'canonical-jsonl';

/** The first non-empty line of the (decompressed) file, without a BOM; '' for an empty file. */
export async function readFirstLine(path: string): Promise<string> {
  const input = await openText(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const text = line.replace(/^\uFEFF/, '').trim();
      if (text) return text;
    }
    return '';
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Header cells of a CSV first line (quotes removed, trimmed); good enough for detection. */
function headerCells(line: string): Set<string> {
  return new Set(
    line.split(',').map((c) =>
      c
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim()
        .toLowerCase(),
    ),
  );
}

export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

export async function detectOrdersFormat(path: string): Promise<OrdersFormat> {
  const first = await readFirstLine(path);
  if (first.startsWith('{')) return 'canonical-jsonl';
  const cols = headerCells(first);
  // "Online Retail II" names the invoice column `Invoice`.
  if ((cols.has('invoiceno') || cols.has('invoice')) && cols.has('stockcode')) return 'online-retail';
  if (cols.has('name') && (cols.has('lineitem quantity') || cols.has('lineitem name'))) return 'shopify-orders';
  throw new FormatError(
    `${path}: not a known order history (expected an Online-Retail CSV, a Shopify orders CSV or canonical JSON lines; first line: ${first.slice(0, 80)})`,
  );
}

export async function detectCatalogFormat(path: string): Promise<CatalogFormat> {
  const first = await readFirstLine(path);
  if (first.startsWith('{')) return 'canonical-jsonl';
  const cols = headerCells(first);
  if (cols.has('handle') && cols.has('title')) return 'shopify-products';
  if (cols.has('cross-sells') || cols.has('upsells') || (cols.has('id') && cols.has('sku') && cols.has('name')))
    return 'woocommerce-products';
  throw new FormatError(
    `${path}: not a known catalog (expected a Shopify product CSV, a WooCommerce product CSV or canonical JSON lines; first line: ${first.slice(0, 80)})`,
  );
}
