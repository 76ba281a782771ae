// Item selection for one cross-sell email. Sources in rank order:
//   1. required accessories of a bought product (declared complements with `required`),
//   2. merchant-declared complements, then complements by product type (config typeComplements),
//   3. learned co-purchase neighbours (this order plus the decayed history, score.ts),
//   4. nothing: reason 'no_complements'. Never filler or best-sellers — a random "popular" item
//      in a "goes with your order" email costs trust and unsubscribes.
// Pure and deterministic: the same input gives the same items in the same order.
import { orderContext, reject, typeKey, typeSlot, type OrderContext } from './filters.js';
import { anchorsFor, DEFAULT_WEIGHTING, scoreCandidates } from './score.js';
import type {
  CatalogItem,
  CoPurchaseModel,
  ItemSource,
  LearnedScores,
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
  // Learned scores for everything the rules allow; also ranks the by-type candidates.
  const learned =
    limits.learned ??
    scoreCandidates(
      anchorsFor(input.bought, input.history, input.at, weighting),
      model,
      (id) => reject(id, catalog(id), ctx) !== null,
      weighting.perAnchor,
    );

  const email = new EmailItems(input, catalog, ctx, limits.maxItems);
  // Each source runs only while the email has room.
  if (
    offerDeclared(email, true, learned) &&
    offerDeclared(email, false, learned) &&
    offerByType(email, limits, learned)
  )
    offerLearned(email, limits.maxItems, learned);
  return done(email.picked, email.considered, learned.ids(), email.lookedUp);
}

/** The email being filled: the items picked, every candidate considered, one item per type slot. */
class EmailItems {
  readonly picked: PickedItem[] = [];
  readonly considered = new Set<string>();
  readonly lookedUp = { found: 0, missing: 0 };
  private readonly slots = new Set<string>();

  constructor(
    readonly input: PickInput,
    readonly catalog: (id: string) => CatalogItem | undefined,
    readonly ctx: OrderContext,
    private readonly maxItems: number,
  ) {}

  // Offers one candidate; false once the email is full, so the caller stops.
  offer(c: Candidate): boolean {
    if (this.picked.length >= this.maxItems) return false;
    if (this.considered.has(c.id)) return true;
    this.considered.add(c.id);
    const item = this.catalog(c.id);
    if (item) this.lookedUp.found++;
    else this.lookedUp.missing++;
    if (reject(c.id, item, this.ctx) || !item) return true;
    const slot = typeSlot(item);
    if (this.slots.has(slot)) return true;
    this.slots.add(slot);
    const anchorTitle = titleOf(c.anchorProductId, this.input, this.catalog);
    const reasonCode = REASON[c.source];
    this.picked.push({
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
  }
}

// 1 and 2a: declared complements, required ones first, each in the merchant's order. Taken
// in turns across the bought lines, so an email serving several products (or several
// orders) offers something for each rather than filling up on the first. False once full.
function offerDeclared(email: EmailItems, wantRequired: boolean, learned: LearnedScores): boolean {
  const source: ItemSource = wantRequired ? 'required' : 'declared';
  const lists = email.input.bought.map((line) => ({
    line,
    complements: (email.catalog(line.productId)?.complements ?? []).filter(
      (c) => (c.required === true) === wantRequired,
    ),
  }));
  const rounds = Math.max(0, ...lists.map((l) => l.complements.length));
  for (let k = 0; k < rounds; k++) {
    for (const { line, complements } of lists) {
      const comp = complements[k];
      if (
        comp &&
        !email.offer({ id: comp.id, source, score: learned.scoreOf(comp.id), anchorProductId: line.productId })
      )
        return false;
    }
  }
  return true;
}

// 2b: complements by product type, e.g. consoles → games, controllers. False once full.
function offerByType(email: EmailItems, limits: PickLimits, learned: LearnedScores): boolean {
  if (!limits.productsOfType) return true;
  for (const line of email.input.bought) {
    const type = line.productType ?? email.catalog(line.productId)?.productType;
    for (const complementType of complementTypes(type, limits.typeComplements)) {
      const ranked = limits
        .productsOfType(complementType)
        .filter((item) => reject(item.id, item, email.ctx) === null)
        .sort((x, y) => compareTypeCandidates(x, y, learned.scoreOf));
      for (const item of ranked) {
        if (
          !email.offer({
            id: item.id,
            source: 'type',
            score: learned.scoreOf(item.id),
            anchorProductId: line.productId,
          })
        )
          return false;
      }
    }
  }
  return true;
}

// 3: learned co-purchase neighbours. Usually the best few suffice; only when "one per type"
// rejects most of them do we order the rest.
function offerLearned(email: EmailItems, maxItems: number, learned: LearnedScores): void {
  const few = Math.max(10, maxItems * 8);
  let ranked = learned.top(few);
  for (let i = 0; i < ranked.length; i++) {
    const s = ranked[i];
    if (!email.offer({ id: s.productId, source: 'copurchase', score: s.score, anchorProductId: s.anchorProductId }))
      break;
    if (i === ranked.length - 1 && ranked.length === few && learned.size > few) ranked = learned.top();
  }
}

function done(
  items: PickedItem[],
  considered: Set<string>,
  learnedIds: Iterable<string>,
  lookedUp: { found: number; missing: number },
): PickResult {
  // Counted, not added: a heavy buyer's learned ids run to thousands.
  let learnedOnly = 0;
  for (const id of learnedIds) if (!considered.has(id)) learnedOnly++;
  const result: PickResult = {
    items,
    reason: items.length === 0 ? 'no_complements' : null,
    considered: considered.size + learnedOnly,
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
