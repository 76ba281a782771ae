// WooCommerce's product export (Products → Export, CSV). Columns used: ID, Type, SKU, Name,
// Published, In stock?, Stock, Regular price, Sale price, Categories, Tags, Images, Parent,
// Upsells, Cross-sells.
//
// - Cross-sells become declared complements; Upsells become `upsells` (never cross-sold to a
//   buyer of the product). Both list SKUs or "id:123" references; SKUs are resolved to ids.
// - Variations (Type "variation", Parent "id:12" or the parent's SKU) are folded into their
//   parent: the lowest variation price and "any variation in stock".
// References can point to rows later in the file, so the catalog (rows, not the raw file) is
// held until the end of the file before products are yielded. Bad rows are yielded first as
// they are met, with their line numbers.
import type { Product } from '../../domain/canonical-event.js';
import { readCsvRows, type CsvRow } from './csv-rows.js';
import { dropUndefined } from './shopify-products.js';
import type { ProductRecord } from './types.js';
import { integer, list, money } from './cell-values.js';

interface Row {
  id: string;
  sku: string;
  type: string;
  name: string;
  published: number | undefined;
  inStock: string;
  price: string | undefined;
  categories: string;
  tags: string[];
  image: string;
  parent: string;
  upsells: string[];
  crossSells: string[];
  line: number;
}

export interface WooProductsOptions {
  currency?: string;
}

export async function* readWooProductsCsv(path: string, opts: WooProductsOptions = {}): AsyncGenerator<ProductRecord> {
  const rows: Row[] = [];
  const variations: Row[] = [];
  for await (const row of readCsvRows(path)) {
    if (!row.has('ID') || !row.has('Name'))
      throw new Error(`${path}: not a WooCommerce products export (needs ID and Name columns)`);
    const r = toRow(row);
    if (typeof r === 'string') {
      yield { ok: false, line: row.line, error: r };
      continue;
    }
    (r.type.includes('variation') ? variations : rows).push(r);
  }

  const resolve = skuResolver([...rows, ...variations]);
  const variants = foldVariations(rows, variations, resolve);
  for (const r of rows) {
    const product = toProduct(r, variants, resolve, opts.currency);
    yield { ok: true, product: dropUndefined(product), line: r.line, skus: r.sku ? [r.sku] : undefined };
  }
}

/** The export's row with its cells read, or why it cannot be imported. */
function toRow(row: CsvRow): Row | string {
  const id = row.get('ID').trim();
  const type = row.get('Type').trim().toLowerCase();
  if (!/^\d+$/.test(id)) return `bad ID "${id}"`;
  const sale = row.get('Sale price').trim();
  const regular = row.get('Regular price').trim();
  const price = sale ? money(sale) : regular ? money(regular) : undefined;
  if ((sale || regular) && price === undefined) return `product ${id}: bad price "${sale || regular}"`;
  const name = row.get('Name').trim();
  if (!name && !type.includes('variation')) return `product ${id}: missing Name`;
  return {
    id,
    sku: row.get('SKU').trim(),
    type,
    name,
    published: integer(row.get('Published')),
    inStock: row.get('In stock?').trim().toLowerCase(),
    price,
    categories: row.get('Categories'),
    tags: list(row.get('Tags')),
    image: list(row.get('Images'))[0] ?? '',
    parent: row.get('Parent').trim(),
    upsells: list(row.get('Upsells')),
    crossSells: list(row.get('Cross-sells')),
    line: row.line,
  };
}

/** A reference ("id:123" or a SKU) to a product id. */
function skuResolver(all: Row[]): (ref: string) => string {
  const bySku = new Map<string, string>();
  for (const r of all) if (r.sku) bySku.set(r.sku, r.id);
  return (ref: string): string => {
    const m = /^id:(\d+)$/i.exec(ref);
    if (m) return m[1];
    return bySku.get(ref) ?? ref; // unknown SKU kept as is: it simply finds no product
  };
}

interface VariantFigures {
  prices: Map<string, string[]>;
  inStock: Map<string, boolean>;
}

/** Per parent id, its variations' prices and whether any of them is in stock. */
function foldVariations(rows: Row[], variations: Row[], resolve: (ref: string) => string): VariantFigures {
  const byId = new Map<string, Row>();
  for (const r of rows) byId.set(r.id, r);
  const variantPrices = new Map<string, string[]>();
  const variantInStock = new Map<string, boolean>();
  for (const v of variations) {
    const parent = resolve(v.parent);
    if (!byId.has(parent)) continue;
    if (v.price !== undefined) variantPrices.set(parent, [...(variantPrices.get(parent) ?? []), v.price]);
    variantInStock.set(parent, (variantInStock.get(parent) ?? false) || inStock(v));
  }
  return { prices: variantPrices, inStock: variantInStock };
}

function toProduct(
  r: Row,
  variants: VariantFigures,
  resolve: (ref: string) => string,
  currency: string | undefined,
): Product {
  const prices = r.price !== undefined ? [r.price] : (variants.prices.get(r.id) ?? []);
  const price = prices.length ? prices.reduce((a, b) => (Number(b) < Number(a) ? b : a)) : undefined;
  const stocked = variants.inStock.has(r.id) ? variants.inStock.get(r.id)! : inStock(r);
  const crossSells = r.crossSells.map(resolve);
  const upsells = r.upsells.map(resolve);
  return {
    id: r.id,
    title: r.name,
    productType: firstCategoryLeaf(r.categories),
    tags: r.tags.length ? r.tags : undefined,
    imageUrl: r.image || undefined,
    price,
    currency,
    // Published: 1 published, 0 private, -1 draft.
    available: r.published === 1 && stocked,
    complements: crossSells.length ? crossSells.map((id) => ({ id })) : undefined,
    upsells: upsells.length ? upsells : undefined,
  };
}

/** "In stock?" is 1, 0 or "backorder" (sellable); WooCommerce keeps it in line with Stock. */
function inStock(r: Row): boolean {
  return !['0', 'false', 'outofstock'].includes(r.inStock);
}

/** "Clothing > Hoodies, Music" → "Hoodies": the leaf of the first category. */
function firstCategoryLeaf(text: string): string | undefined {
  const first = splitCategories(text)[0];
  if (!first) return undefined;
  const parts = first
    .split('>')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts[parts.length - 1];
}

/** Categories are comma separated; a literal comma inside a name is written `\,`. */
function splitCategories(text: string): string[] {
  return text
    .split(/(?<!\\),/)
    .map((s) => s.replace(/\\,/g, ',').trim())
    .filter(Boolean);
}
