// Shopify products/create|update → product.upserted.
import type { CanonicalEvent, Product } from '../../domain/canonical-event.js';
import { compact } from './events.js';
import type { Fields } from './fields.js';

/** Search & Discovery app: "Complementary products" (a list of product references). */
const complementsNamespace = 'shopify--discovery--product_recommendation';
const complementsKey = 'complementary_products';
const productGid = /^gid:\/\/shopify\/Product\/(\d+)$/;

export function shopifyProductEvent(body: Fields, store: string): CanonicalEvent[] {
  const variants = body.objects('variants');
  const handle = body.text('handle');
  const product: Product = compact({
    id: body.requireId('id'),
    title: body.requireText('title'),
    productType: body.text('product_type'),
    vendor: body.text('vendor'),
    tags: tagList(body.raw('tags')),
    // A page of the store: ingest puts it under store.url (the shop's public address), as the
    // CSV importer does; the unsigned shop-domain header never picks a link's host.
    url: handle ? `/products/${encodeURIComponent(handle)}` : undefined,
    imageUrl:
      body.object('image')?.text('src') ??
      body.objects('images')[0]?.text('src') ??
      body.objects('media')[0]?.object('preview_image')?.text('src'),
    price: variants[0]?.decimal('price'),
    available: availability(body, variants),
    complements: complements(body),
    variantId: firstAvailableVariant(variants),
  });
  return [{ type: 'product.upserted', data: { store, product } }];
}

/** The variant a cart link adds: the first that can be bought, else the first. */
function firstAvailableVariant(variants: Fields[]): string | undefined {
  const buyable = variants.find(
    (v) =>
      v.text('inventory_policy') === 'continue' ||
      v.isNull('inventory_management') ||
      (v.int('inventory_quantity') ?? 1) > 0,
  );
  return (buyable ?? variants[0])?.id('id');
}

/** Shopify sends tags as one comma-separated string ("a, b"); a list is accepted too. */
function tagList(raw: unknown): string[] | undefined {
  const parts = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  return parts?.flatMap((t) => (typeof t === 'string' && t.trim() ? [t.trim()] : []));
}

/**
 * Sellable on the storefront: active, published, and some variant can be bought (stock on hand,
 * overselling allowed, or inventory not tracked). Unknown stock counts as available.
 */
function availability(body: Fields, variants: Fields[]): boolean | undefined {
  const status = body.text('status');
  if (status !== undefined && status !== 'active') return false;
  if (body.isNull('published_at')) return false;
  if (variants.length === 0) return status === 'active' ? true : undefined;
  return variants.some(
    (v) =>
      v.text('inventory_policy') === 'continue' ||
      v.isNull('inventory_management') ||
      (v.int('inventory_quantity') ?? 1) > 0,
  );
}

/**
 * From the complementary-products metafield when the subscription includes it. Absent means
 * "not told" (undefined, leaving imported complements alone), not "none".
 */
function complements(body: Fields): Product['complements'] {
  const field = body
    .objects('metafields')
    .find((m) => m.text('namespace') === complementsNamespace && m.text('key') === complementsKey);
  if (!field) return undefined;
  const value = field.raw('value');
  let refs: unknown = value;
  if (typeof value === 'string') {
    try {
      refs = JSON.parse(value); // a JSON list of GIDs, stored as a string
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(refs)) return undefined;
  return refs.flatMap((ref) => {
    const m = typeof ref === 'string' ? productGid.exec(ref.trim()) : null;
    return m ? [{ id: m[1] }] : [];
  });
}
