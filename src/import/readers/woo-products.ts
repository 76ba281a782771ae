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
import { readCsvRows } from './csv-rows.js';
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
    const id = row.get('ID').trim();
    const type = row.get('Type').trim().toLowerCase();
    if (!/^\d+$/.test(id)) {
      yield { ok: false, line: row.line, error: `bad ID "${id}"` };
      continue;
    }
    const sale = row.get('Sale price').trim();
    const regular = row.get('Regular price').trim();
    const price = sale ? money(sale) : regular ? money(regular) : undefined;
    if ((sale || regular) && price === undefined) {
      yield { ok: false, line: row.line, error: `product ${id}: bad price "${sale || regular}"` };
      continue;
    }
    const name = row.get('Name').trim();
    if (!name && !type.includes('variation')) {
      yield { ok: false, line: row.line, error: `product ${id}: missing Name` };
      continue;
    }
    const r: Row = {
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
    (type.includes('variation') ? variations : rows).push(r);
  }

  const bySku = new Map<string, string>();
  const byId = new Map<string, Row>();
  for (const r of [...rows, ...variations]) if (r.sku) bySku.set(r.sku, r.id);
  for (const r of rows) byId.set(r.id, r);
  const resolve = (ref: string): string => {
    const m = /^id:(\d+)$/i.exec(ref);
    if (m) return m[1];
    return bySku.get(ref) ?? ref; // unknown SKU kept as is: it simply finds no product
  };

  // Fold variations into their parents.
  const variantPrices = new Map<string, string[]>();
  const variantInStock = new Map<string, boolean>();
  for (const v of variations) {
    const parent = resolve(v.parent);
    if (!byId.has(parent)) continue;
    if (v.price !== undefined) variantPrices.set(parent, [...(variantPrices.get(parent) ?? []), v.price]);
    variantInStock.set(parent, (variantInStock.get(parent) ?? false) || inStock(v));
  }

  for (const r of rows) {
    const prices = r.price !== undefined ? [r.price] : (variantPrices.get(r.id) ?? []);
    const price = prices.length ? prices.reduce((a, b) => (Number(b) < Number(a) ? b : a)) : undefined;
    const stocked = variantInStock.has(r.id) ? variantInStock.get(r.id)! : inStock(r);
    const crossSells = r.crossSells.map(resolve);
    const upsells = r.upsells.map(resolve);
    const product: Product = {
      id: r.id,
      title: r.name,
      productType: firstCategoryLeaf(r.categories),
      tags: r.tags.length ? r.tags : undefined,
      imageUrl: r.image || undefined,
      price,
      currency: opts.currency,
      // Published: 1 published, 0 private, -1 draft.
      available: r.published === 1 && stocked,
      complements: crossSells.length ? crossSells.map((id) => ({ id })) : undefined,
      upsells: upsells.length ? upsells : undefined,
    };
    yield { ok: true, product: dropUndefined(product), line: r.line, skus: r.sku ? [r.sku] : undefined };
  }
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
