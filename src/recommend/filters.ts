// Why a candidate may not be cross-sold to this customer. Every rule is here once, in the order
// the picker applies them; the first that matches is the rejection reason (for `explain`).
import type { CatalogItem, PickInput } from './types.js';

export type Rejection =
  | 'unknown' // not in the catalog: nothing to show or link to
  | 'in_order' // bought in this very order
  | 'owned' // bought before
  | 'returned' // they sent it back
  | 'unavailable'
  | 'same_type' // same product type as a bought line: an upsell, not a complement
  | 'upsell' // listed as an upsell of a bought product
  | 'offered' // already offered in an earlier cross-sell
  | 'type_taken'; // one item per product type

/** Product types compare without case or surrounding space: "Video Game" = "video game ". */
export function typeKey(type: string | undefined): string | undefined {
  const t = type?.trim().toLowerCase();
  return t ? t : undefined;
}

/** The slot an item occupies for "one item per product type"; untyped items are their own slot. */
export function typeSlot(item: CatalogItem): string {
  const t = typeKey(item.productType);
  return t ? `type:${t}` : `id:${item.id}`;
}

/** What the filters need to know about the order, computed once per pick. */
export interface OrderContext {
  inOrder: Set<string>;
  boughtTypes: Set<string>;
  upsells: Set<string>;
  input: PickInput;
  historyIds: Set<string>;
}

export function orderContext(input: PickInput, catalog: (id: string) => CatalogItem | undefined): OrderContext {
  const inOrder = new Set<string>();
  const boughtTypes = new Set<string>();
  const upsells = new Set<string>();
  for (const line of input.bought) {
    inOrder.add(line.productId);
    const item = catalog(line.productId);
    const t = typeKey(line.productType ?? item?.productType);
    if (t) boughtTypes.add(t);
    for (const u of item?.upsells ?? []) upsells.add(u);
  }
  const historyIds = new Set<string>();
  for (const h of input.history ?? []) historyIds.add(h.productId);
  return { inOrder, boughtTypes, upsells, input, historyIds };
}

/** Rules that depend on the product id alone: cheap enough to run before scoring. */
export function rejectById(id: string, ctx: OrderContext): Rejection | null {
  if (ctx.inOrder.has(id)) return 'in_order';
  if (ctx.input.owned.has(id) || ctx.historyIds.has(id)) return 'owned';
  if (ctx.input.returned.has(id)) return 'returned';
  if (ctx.upsells.has(id)) return 'upsell';
  if (ctx.input.offered.has(id)) return 'offered';
  return null;
}

/** All rules but "one per type" (which depends on what was already picked). */
export function reject(id: string, item: CatalogItem | undefined, ctx: OrderContext): Rejection | null {
  const byId = rejectById(id, ctx);
  if (byId) return byId;
  if (!item) return 'unknown';
  if (item.available === false) return 'unavailable';
  const t = typeKey(item.productType);
  if (t && ctx.boughtTypes.has(t)) return 'same_type';
  return null;
}
