// Learned-source scoring shared by the live picker and the offline evaluation, so the hit rate
// measured offline is the one production gets.
//
// Each product the customer has is an "anchor" with a weight: 1 for lines of this order, and
// `historyWeight · exp(-days/decayDays)` for earlier purchases. A candidate's score is the
// weighted sum of its neighbour scores over all anchors. Using the whole history (decayed)
// rather than this order alone lifted hit rate@3 on Online Retail (see evaluate.ts).
import type { BoughtLine, CoPurchaseModel, HistoryPurchase } from './types.js';

export interface HistoryWeighting {
  /** Weight of an earlier purchase relative to a line of this order. 0 ignores history. */
  historyWeight: number;
  /** e-folding time of an earlier purchase's weight, in days. */
  decayDays: number;
  /**
   * Only each anchor's strongest neighbours count. Summing long weak tails over many anchors
   * promotes "hub" products that go with everything a little; 20 beat 50 and 100 offline.
   */
  perAnchor?: number;
}

export const DEFAULT_WEIGHTING: HistoryWeighting = { historyWeight: 0.5, decayDays: 60, perAnchor: 20 };

export interface Anchor {
  productId: string;
  weight: number;
  /** A line of this order (preferred as the "Often bought with X" anchor). */
  inOrder: boolean;
}

const DAY_MS = 86_400_000;

export function anchorsFor(
  bought: readonly Pick<BoughtLine, 'productId'>[],
  history: readonly HistoryPurchase[] | undefined,
  at: Date | undefined,
  weighting: HistoryWeighting = DEFAULT_WEIGHTING,
): Anchor[] {
  const byId = new Map<string, Anchor>();
  for (const line of bought) byId.set(line.productId, { productId: line.productId, weight: 1, inOrder: true });
  if (history && history.length > 0 && weighting.historyWeight > 0) {
    let ref = at?.getTime();
    if (ref === undefined) for (const h of history) ref = Math.max(ref ?? -Infinity, h.at.getTime());
    for (const h of history) {
      const days = Math.max(0, (ref! - h.at.getTime()) / DAY_MS);
      const w = weighting.historyWeight * Math.exp(-days / weighting.decayDays);
      const cur = byId.get(h.productId);
      // A product bought several times counts once, at its most recent (largest) weight.
      if (!cur) byId.set(h.productId, { productId: h.productId, weight: w, inOrder: false });
      else if (!cur.inOrder && w > cur.weight) cur.weight = w;
    }
  }
  // Insertion order is input order; sort so float sums do not depend on it.
  return [...byId.values()].sort((x, y) => (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0));
}

export interface Scored {
  productId: string;
  score: number;
  /** The anchor contributing most to the score. */
  anchorProductId: string;
}

/**
 * Candidates by summed neighbour score, best first, ties by id. `skip` drops a candidate before
 * it is scored (owned, in this order...). `limit` bounds the returned list.
 */
export function scoreCandidates(
  anchors: readonly Anchor[],
  model: CoPurchaseModel,
  skip: (productId: string) => boolean = () => false,
  limit = Infinity,
  perAnchor = Infinity,
): Scored[] {
  const acc = new Map<string, { score: number; best: number; anchor: Anchor }>();
  const skipped = new Set<string>();
  for (const anchor of anchors) {
    const list = model.neighbours(anchor.productId);
    for (let i = 0; i < list.length && i < perAnchor; i++) {
      const n = list[i];
      const part = anchor.weight * n.score;
      if (!(part > 0)) continue;
      let e = acc.get(n.id);
      if (e === undefined) {
        if (skipped.has(n.id)) continue;
        if (skip(n.id)) {
          skipped.add(n.id);
          continue;
        }
        acc.set(n.id, { score: part, best: part, anchor });
        continue;
      }
      e.score += part;
      if (part > e.best || (part === e.best && betterAnchor(anchor, e.anchor))) {
        e.best = part;
        e.anchor = anchor;
      }
    }
  }
  const out: Scored[] = [];
  for (const [productId, e] of acc) out.push({ productId, score: e.score, anchorProductId: e.anchor.productId });
  out.sort((x, y) => y.score - x.score || (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0));
  return out.length > limit ? out.slice(0, limit) : out;
}

function betterAnchor(x: Anchor, y: Anchor): boolean {
  if (x.inOrder !== y.inOrder) return x.inOrder;
  return x.productId < y.productId;
}
