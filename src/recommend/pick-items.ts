// Item selection for one cross-sell email. Sources in rank order:
//   1. required accessories of a bought product (declared complements with `required`),
//   2. merchant-declared complements, then complements by product type (config typeComplements),
//   3. learned co-purchase neighbours (this order plus the decayed history, score.ts),
//   4. nothing: reason 'no_complements'. Never filler or best-sellers — a random "popular" item
//      in a "goes with your order" email costs trust and unsubscribes.
// Pure and deterministic: the same input gives the same items in the same order.
import { orderContext, reject, typeKey, typeSlot } from './filters.js';
import { anchorsFor, DEFAULT_WEIGHTING, scoreCandidates } from './score.js';
import type {
  CatalogItem,
  CoPurchaseModel,
  ItemSource,
  PickedItem,
  PickInput,
  PickLimits,
  PickResult,
} from './types.js';
import type { ItemReasonCode } from '../domain/reason-codes.js';

interface Candidate {
  id: string;
  source: ItemSource;
  score: number;
  anchorProductId: string;
}

const REASON: Record<ItemSource, ItemReasonCode> = {
  required: 'needed_for',
  declared: 'goes_with',
  type: 'goes_with',
  copurchase: 'often_bought_with',
};

export function reasonText(code: ItemReasonCode, anchorTitle: string): string {
  if (code === 'needed_for') return `Needed to use your ${anchorTitle}`;
  if (code === 'goes_with') return `Goes with your ${anchorTitle}`;
  return `Often bought with ${anchorTitle}`;
}

export function pickItems(
  input: PickInput,
  catalog: (id: string) => CatalogItem | undefined,
  model: CoPurchaseModel,
  limits: PickLimits,
): PickResult {
  const ctx = orderContext(input, catalog);
  const weighting = limits.weighting ?? DEFAULT_WEIGHTING;
  const anchors = anchorsFor(input.bought, input.history, input.at, weighting);
  // Learned scores for everything the rules allow; also ranks the by-type candidates.
  const learned =
    limits.learned ??
    scoreCandidates(anchors, model, (id) => reject(id, catalog(id), ctx) !== null, weighting.perAnchor);

  const picked: PickedItem[] = [];
  const considered = new Set<string>();
  const lookedUp = { found: 0, missing: 0 };
  const slots = new Set<string>();
  // Offers one candidate; false once the email is full, so the caller stops.
  const offer = (c: Candidate): boolean => {
    if (picked.length >= limits.maxItems) return false;
    if (considered.has(c.id)) return true;
    considered.add(c.id);
    const item = catalog(c.id);
    if (item) lookedUp.found++;
    else lookedUp.missing++;
    if (reject(c.id, item, ctx) || !item) return true;
    const slot = typeSlot(item);
    if (slots.has(slot)) return true;
    slots.add(slot);
    const anchorTitle = titleOf(c.anchorProductId, input, catalog);
    const reasonCode = REASON[c.source];
    picked.push({
      productId: item.id,
      title: item.title,
      source: c.source,
      score: c.score,
      reason: reasonText(reasonCode, anchorTitle),
      reasonCode,
      anchorProductId: c.anchorProductId,
      anchorTitle,
    });
    return true;
  };

  // 1 and 2a: declared complements, required ones first, each in the merchant's order. Taken
  // in turns across the bought lines, so an email serving several products (or several
  // orders) offers something for each rather than filling up on the first.
  for (const wantRequired of [true, false]) {
    const source: ItemSource = wantRequired ? 'required' : 'declared';
    const lists = input.bought.map((line) => ({
      line,
      complements: (catalog(line.productId)?.complements ?? []).filter((c) => (c.required === true) === wantRequired),
    }));
    const rounds = Math.max(0, ...lists.map((l) => l.complements.length));
    for (let k = 0; k < rounds; k++) {
      for (const { line, complements } of lists) {
        const comp = complements[k];
        if (comp && !offer({ id: comp.id, source, score: learned.scoreOf(comp.id), anchorProductId: line.productId })) {
          return done(picked, considered, learned.ids(), lookedUp);
        }
      }
    }
  }

  // 2b: complements by product type, e.g. consoles → games, controllers.
  if (limits.productsOfType) {
    for (const line of input.bought) {
      for (const type of complementTypes(
        line.productType ?? catalog(line.productId)?.productType,
        limits.typeComplements,
      )) {
        const ranked = limits
          .productsOfType(type)
          .filter((item) => reject(item.id, item, ctx) === null)
          .sort((x, y) => compareTypeCandidates(x, y, learned.scoreOf));
        for (const item of ranked) {
          if (
            !offer({ id: item.id, source: 'type', score: learned.scoreOf(item.id), anchorProductId: line.productId })
          ) {
            return done(picked, considered, learned.ids(), lookedUp);
          }
        }
      }
    }
  }

  // 3: learned co-purchase neighbours. Usually the best few suffice; only when "one per type"
  // rejects most of them do we order the rest.
  const few = Math.max(10, limits.maxItems * 8);
  let ranked = learned.top(few);
  for (let i = 0; i < ranked.length; i++) {
    const s = ranked[i];
    if (!offer({ id: s.productId, source: 'copurchase', score: s.score, anchorProductId: s.anchorProductId })) break;
    if (i === ranked.length - 1 && ranked.length === few && learned.size > few) ranked = learned.top();
  }
  return done(picked, considered, learned.ids(), lookedUp);
}

function done(
  items: PickedItem[],
  considered: Set<string>,
  learnedIds: Iterable<string>,
  lookedUp: { found: number; missing: number },
): PickResult {
  for (const id of learnedIds) considered.add(id);
  const result: PickResult = {
    items,
    reason: items.length === 0 ? 'no_complements' : null,
    considered: considered.size,
  };
  // History imported without its catalog: every candidate is known by id only.
  if (items.length === 0 && lookedUp.missing > 0 && lookedUp.found === 0) result.notInCatalog = lookedUp.missing;
  return result;
}

/** Why nothing was picked, in words for `recommend`. */
export function noItemsText(result: Pick<PickResult, 'considered' | 'notInCatalog'>): string {
  if (result.notInCatalog) {
    const n = result.notInCatalog;
    return `${n} candidate${n === 1 ? '' : 's'}, none in the catalog: import your catalog with \`aftercart import catalog\``;
  }
  return `no complements (${result.considered} candidates considered)`;
}

/** Config keys match a product type without regard to case or surrounding space. */
function complementTypes(type: string | undefined, map: Record<string, string[]>): string[] {
  const key = typeKey(type);
  if (!key) return [];
  const out: string[] = [];
  for (const [from, to] of Object.entries(map)) if (typeKey(from) === key) out.push(...to);
  return out;
}

/** Best learned score first; without evidence the cheaper item (an easy add-on), then title, then id. */
function compareTypeCandidates(x: CatalogItem, y: CatalogItem, learned: (id: string) => number): number {
  const d = learned(y.id) - learned(x.id);
  if (d !== 0) return d;
  const px = priceOf(x),
    py = priceOf(y);
  if (px !== py) return px - py;
  if (x.title !== y.title) return x.title < y.title ? -1 : 1;
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

function priceOf(item: CatalogItem): number {
  const p = item.price === undefined ? NaN : Number(item.price);
  return Number.isFinite(p) ? p : Infinity;
}

function titleOf(id: string, input: PickInput, catalog: (id: string) => CatalogItem | undefined): string {
  return input.bought.find((l) => l.productId === id)?.title ?? catalog(id)?.title ?? id;
}
