// Shopify's product export (Admin → Products → Export, CSV). Several rows per product: the
// first row of a Handle carries the product (Title, Type, Tags, Status...), later rows add
// variants (Variant SKU, Variant Price, Variant Inventory Qty) or just images. Rows of one
// handle are consecutive, so a product is yielded when the next handle starts.
//
// - id: the Handle (the export has no numeric id); `skus` lists the variant SKUs so order
//   lines, which carry SKUs, can be mapped to it.
// - productType: `Type`, else the last level of `Product Category` ("... > Video Game Consoles").
// - price: the lowest variant price. available: false when Status is draft/archived, the product
//   is unpublished, or every inventory-tracked variant is out of stock and may not oversell.
// - complements: the "Complementary products" metafield column when the export has it
//   (handles, comma separated) — Shopify Search & Discovery's own complements.
import type { Product } from '../../domain/canonical-event.js';
import { readCsvRows, type CsvRow } from './csv-rows.js';
import type { ProductRecord } from './types.js';
import { bool, integer, list, money } from './cell-values.js';

export interface ShopifyProductsOptions {
  /** Builds `url` as `${storeUrl}/products/${handle}`. */
  storeUrl?: string;
  /** The export has no currency column. */
  currency?: string;
}

interface Pending {
  product: Product;
  line: number;
  skus: string[];
  prices: number[];
  priceText: Map<number, string>;
  stock: { tracked: boolean; qty: number; oversell: boolean }[];
  hidden: boolean;
  error?: string;
}

export async function* readShopifyProductsCsv(
  path: string,
  opts: ShopifyProductsOptions = {},
): AsyncGenerator<ProductRecord> {
  let pending: Pending | undefined;
  let handle = '';
  let complementsColumn: string | undefined;
  for await (const row of readCsvRows(path)) {
    if (!row.has('Handle')) throw new Error(`${path}: not a Shopify products export (no Handle column)`);
    complementsColumn ??= findComplementsColumn(row);
    const h = row.get('Handle').trim();
    if (!h) {
      // Report in file order: the product before it is complete.
      if (pending) yield finish(pending);
      pending = undefined;
      handle = '';
      yield { ok: false, line: row.line, error: 'missing Handle' };
      continue;
    }
    if (h !== handle) {
      if (pending) yield finish(pending);
      handle = h;
      pending = start(row, h, opts, complementsColumn);
    }
    addVariant(pending!, row);
  }
  if (pending) yield finish(pending);
}

function findComplementsColumn(row: CsvRow): string {
  // The metafield column name is long and has changed over time; match on its key.
  const probe = [
    'Complementary products (product.metafields.shopify--discovery--product_recommendation.complementary_products)',
  ];
  for (const name of probe) if (row.has(name)) return name;
  return '';
}

function start(
  row: CsvRow,
  handle: string,
  opts: ShopifyProductsOptions,
  complementsColumn: string | undefined,
): Pending {
  const title = row.get('Title').trim();
  const type = row.get('Type').trim() || lastCategory(row.get('Product Category'));
  const status = row.get('Status').trim().toLowerCase();
  const published = bool(row.get('Published'));
  const image = row.get('Image Src').trim();
  const complements = complementsColumn ? list(row.get(complementsColumn), /[,;]/) : [];
  const product: Product = {
    id: handle,
    title,
    productType: type || undefined,
    vendor: row.get('Vendor').trim() || undefined,
    tags: row.has('Tags') ? list(row.get('Tags')) : undefined,
    url: opts.storeUrl ? `${opts.storeUrl.replace(/\/$/, '')}/products/${handle}` : undefined,
    imageUrl: image || undefined,
    currency: opts.currency,
    complements: complements.length ? complements.map((id) => ({ id })) : undefined,
  };
  return {
    product,
    line: row.line,
    skus: [],
    prices: [],
    priceText: new Map(),
    stock: [],
    hidden: status === 'draft' || status === 'archived' || published === false,
    error: title ? undefined : `product ${handle}: missing Title on its first row`,
  };
}

function addVariant(p: Pending, row: CsvRow): void {
  const priceCell = row.get('Variant Price').trim();
  const sku = row.get('Variant SKU').trim();
  // Image-only rows have no variant fields.
  if (!priceCell && !sku && !row.get('Option1 Value').trim()) return;
  if (sku) p.skus.push(sku);
  if (priceCell) {
    const price = money(priceCell);
    if (price === undefined) {
      p.error ??= `product ${p.product.id}: bad Variant Price "${priceCell}" on line ${row.line}`;
      return;
    }
    p.prices.push(Number(price));
    p.priceText.set(Number(price), price);
  }
  p.stock.push({
    tracked: row.get('Variant Inventory Tracker').trim() !== '',
    qty: integer(row.get('Variant Inventory Qty')) ?? 0,
    oversell: row.get('Variant Inventory Policy').trim().toLowerCase() === 'continue',
  });
}

function finish(p: Pending): ProductRecord {
  if (p.error) return { ok: false, line: p.line, error: p.error };
  const min = p.prices.length ? Math.min(...p.prices) : undefined;
  const sellable = p.stock.length === 0 || p.stock.some((s) => !s.tracked || s.qty > 0 || s.oversell);
  const product: Product = {
    ...p.product,
    price: min === undefined ? undefined : p.priceText.get(min),
    available: !p.hidden && sellable,
  };
  return { ok: true, product: dropUndefined(product), line: p.line, skus: p.skus };
}

function lastCategory(text: string): string {
  const parts = text
    .split('>')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
