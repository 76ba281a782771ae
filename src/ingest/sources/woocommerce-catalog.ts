// WooCommerce product and customer payloads (REST v3 resources) → canonical events.
import type { CanonicalEvent, Product } from '../../domain/canonical-event.js';
import { compact } from './events.js';
import { toId, type Fields } from './fields.js';
import { decodeEntities } from './html-entities.js';

/** A variation's own webhook is skipped (undefined): its parent product carries the catalog entry. */
export function wooProductEvent(body: Fields, store: string): CanonicalEvent[] | undefined {
  if (body.text('type') === 'variation') return undefined;
  const status = body.text('status');
  const product: Product = compact({
    id: body.requireId('id'),
    title: decodeEntities(body.requireText('name')),
    productType: firstName(body.objects('categories')),
    tags: body
      .objects('tags')
      .flatMap((t) => t.text('name') ?? [])
      .map(decodeEntities),
    url: body.text('permalink'),
    imageUrl: body.objects('images')[0]?.text('src'),
    price: body.decimal('price'), // "" for a product without a price: left out
    // In stock, published and purchasable; backorders are not offered.
    available:
      body.text('stock_status') === 'instock' &&
      (status === undefined || status === 'publish') &&
      body.bool('purchasable') !== false,
    complements: ids(body.list('cross_sell_ids'))?.map((id) => ({ id })),
    upsells: ids(body.list('upsell_ids')),
  });
  return [{ type: 'product.upserted', data: { store, product } }];
}

/** customer.created|updated: WooCommerce keeps no marketing consent of its own. */
export function wooCustomerEvent(body: Fields, store: string): CanonicalEvent[] {
  const customer = compact({
    id: body.requireId('id'),
    email: body.text('email'),
    firstName: body.text('first_name'),
    lastName: body.text('last_name'),
    updatedAt: body.time('date_modified_gmt', 'utc') ?? body.time('date_modified', 'utc'),
  });
  return [{ type: 'customer.updated', data: { store, customer } }];
}

/** The first real category ("Uncategorized" is WordPress's placeholder). */
function firstName(categories: Fields[]): string | undefined {
  const name = categories.find((c) => c.text('slug') !== 'uncategorized')?.text('name');
  return name === undefined ? undefined : decodeEntities(name);
}

function ids(list: unknown[] | undefined): string[] | undefined {
  return list?.flatMap((v) => toId(v) ?? []);
}
