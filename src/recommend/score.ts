// Learned-source scoring shared by the live picker and the offline evaluation, so the hit rate
// measured offline is the one production gets.
//
// Each product the customer has is an "anchor" with a weight: 1 for lines of this order, and
// `historyWeight · exp(-days/decayDays)` for earlier purchases. A candidate's score is the
// weighted sum of its neighbour scores over all anchors. Using the whole history (decayed)
// rather than this order alone lifted hit rate@3 on Online Retail (docs/recommendation.md).
import type { BoughtLine, CoPurchaseModel, HistoryPurchase, HistoryWeighting, LearnedScores, Scored } from './types.js';

export type { HistoryWeighting, LearnedScores, Scored };

// Chosen by rolling-origin validation on Online Retail (docs/recommendation-validation.md): with the
// EASE neighbours, history weight 1 beats 0.5 in all three periods; 90 days held up across periods.
export const DEFAULT_WEIGHTING: HistoryWeighting = { historyWeight: 1, decayDays: 90, perAnchor: 20 };

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

/**
 * Sums the weighted neighbour scores of every anchor. `skip` drops a candidate before it is
 * scored (owned, in this order...). Only each anchor's first `perAnchor` neighbours count.
 */
export function scoreCandidates(
  anchors: readonly Anchor[],
  model: CoPurchaseModel,
  skip: (productId: string) => boolean = () => false,
  perAnchor = Infinity,
): LearnedScores {
  return learnedScores(sumNeighbourScores(anchors, model, skip, perAnchor));
}

interface CandidateScore {
  score: number;
  best: number;
  anchor: Anchor;
}

/** Every candidate the anchors point at, with its summed score and best anchor, or null when skipped. */
function sumNeighbourScores(
  anchors: readonly Anchor[],
  model: CoPurchaseModel,
  skip: (productId: string) => boolean,
  perAnchor: number,
): Map<string, CandidateScore | null> {
  // One map for both: an entry, or null for a candidate `skip` ruled out (heavy buyers own most
  // of their neighbours, so one lookup per visit matters).
  const seen = new Map<string, CandidateScore | null>();
  for (const anchor of anchors) {
    const list = model.neighbours(anchor.productId);
    const w = anchor.weight;
    for (let i = 0, end = Math.min(list.length, perAnchor); i < end; i++) {
      const n = list[i];
      const part = w * n.score;
      if (!(part > 0)) continue;
      const e = seen.get(n.id);
      if (e === undefined) {
        seen.set(n.id, skip(n.id) ? null : { score: part, best: part, anchor });
      } else if (e !== null) {
        e.score += part;
        if (part > e.best || (part === e.best && betterAnchor(anchor, e.anchor))) {
          e.best = part;
          e.anchor = anchor;
        }
      }
    }
  }
  return seen;
}

/** The scored candidates behind the `LearnedScores` interface; skipped ones count only in `ids`.
 * Read from `seen` itself: a heavy buyer's thousands of candidates are not copied per pick. */
function learnedScores(seen: Map<string, CandidateScore | null>): LearnedScores {
  let size = 0;
  for (const e of seen.values()) if (e !== null) size++;
  return {
    size,
    ids: () => seen.keys(),
    scoreOf: (id) => seen.get(id)?.score ?? 0,
    top(n = Infinity) {
      // An email shows three of thousands: order only those at or above the n-th best score.
      const threshold = n < size ? nthBestScore(seen, Math.max(1, n)) : -Infinity;
      const out: Scored[] = [];
      for (const [productId, e] of seen) {
        if (e !== null && e.score >= threshold)
          out.push({ productId, score: e.score, anchorProductId: e.anchor.productId });
      }
      out.sort((x, y) => y.score - x.score || (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0));
      return out.length > n ? out.slice(0, n) : out;
    },
  };
}

/** The n-th best score (duplicates counted), keeping only the best n seen so far, best first. */
function nthBestScore(seen: Map<string, CandidateScore | null>, n: number): number {
  const best: number[] = [];
  for (const e of seen.values()) {
    if (e === null || (best.length === n && e.score <= best[n - 1]!)) continue;
    let i = best.length === n ? n - 1 : best.length;
    while (i > 0 && best[i - 1]! < e.score) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = e.score;
  }
  return best[n - 1]!;
}

function betterAnchor(x: Anchor, y: Anchor): boolean {
  if (x.inOrder !== y.inOrder) return x.inOrder;
  return x.productId < y.productId;
}
