// Shapes shared by the picker, the co-purchase model and the offline evaluation.
import type { ItemReasonCode } from '../domain/reason-codes.js';

/** Where a picked item came from, in rank order: required accessory, merchant-declared, by product type, learned. */
export type ItemSource = 'required' | 'declared' | 'type' | 'copurchase';

export interface CatalogItem {
  id: string;
  title: string;
  productType?: string;
  /** Only `false` excludes an item; unknown availability is treated as in stock. */
  available?: boolean;
  price?: string;
  currency?: string;
  url?: string;
  imageUrl?: string;
  /** Merchant-declared complements; `required` marks an accessory the product needs to be used. */
  complements?: { id: string; required?: boolean }[];
  /** Never cross-sold to a buyer of this product: an upsell replaces it rather than goes with it. */
  upsells?: string[];
}

export interface BoughtLine {
  productId: string;
  title: string;
  productType?: string;
  unitPrice?: string;
  quantity?: number;
}

/** One earlier purchase of the customer; lets the learned source weigh their whole history. */
export interface HistoryPurchase {
  productId: string;
  at: Date;
}

export interface PickInput {
  /** Lines of this order (or of several orders served by one email). */
  bought: BoughtLine[];
  /** Every product the customer bought before. */
  owned: Set<string>;
  /** Products they returned. */
  returned: Set<string>;
  /** Products already offered to them in earlier cross-sells. */
  offered: Set<string>;
  /**
   * Optional: the customer's earlier purchases with dates. Learned suggestions then draw on
   * the whole history with recency decay, not only this order (hit rate@3 0.0772 → 0.0887 offline).
   * Products listed here count as owned.
   */
  history?: readonly HistoryPurchase[];
  /** When this order was placed; the reference for history decay. Default: the latest history date. */
  at?: Date;
}

export interface PickedItem {
  productId: string;
  title: string;
  source: ItemSource;
  score: number;
  /** English words for the email: "Needed to use your X", "Goes with your X", "Often bought with X". */
  reason: string;
  reasonCode: ItemReasonCode;
  anchorProductId: string;
  anchorTitle: string;
}

export interface Neighbour {
  id: string;
  /** The ranking score (see copurchase.ts for the formula). */
  score: number;
  /** Baskets holding both products. */
  support: number;
  /** P(neighbour | product). */
  confidence: number;
  /** confidence / P(neighbour). */
  lift: number;
}

export interface CoPurchaseModel {
  /** Best first; ties by id. Empty for an unknown product. */
  neighbours(productId: string): readonly Neighbour[];
}

/** How the learned source weighs the customer's history (defaults: score.ts DEFAULT_WEIGHTING). */
export interface HistoryWeighting {
  /** Weight of an earlier purchase relative to a line of this order. 0 ignores history. */
  historyWeight: number;
  /** e-folding time of an earlier purchase's weight, in days. */
  decayDays: number;
  /**
   * Only each anchor's strongest neighbours count (default 20). Summing long weak tails over
   * many anchors can promote "hub" products; offline 20 and 50 tie over both evaluation
   * periods (610 vs 607 hits), and 20 means fewer neighbour rows to load per history product.
   */
  perAnchor?: number;
}

export interface PickLimits {
  maxItems: number;
  /** Config `recommend.typeComplements`: bought product type → complement product types. */
  typeComplements: Record<string, string[]>;
  /** Catalog lookup by type; without it type complements are skipped. */
  productsOfType?: (type: string) => readonly CatalogItem[];
  /** Tuning for the learned source; the evaluated defaults when omitted. */
  weighting?: HistoryWeighting;
  /**
   * Learned scores the caller already computed for the same anchors and weighting (the picker
   * needs them to choose which catalog entries to load): saves scoring twice. They may
   * include candidates the rules reject; every candidate is checked again when offered.
   */
  learned?: LearnedScores;
}

export interface PickResult {
  items: PickedItem[];
  /** 'no_complements' when nothing passed the filters: we never fall back to filler or best-sellers. */
  reason: 'no_complements' | null;
  /** Distinct candidate products looked at before filtering. */
  considered: number;
  /**
   * Set when nothing was picked and no candidate offered was in the catalog (history imported
   * without the catalog): how many candidates were missing from it.
   */
  notInCatalog?: number;
}

/** A learned candidate (score.ts scoreCandidates). */
export interface Scored {
  productId: string;
  score: number;
  /** The anchor contributing most to the score. */
  anchorProductId: string;
}

export interface LearnedScores {
  /** Candidates scored (after `skip`). */
  readonly size: number;
  /** Every product the anchors pointed at, including the skipped ones. */
  ids(): Iterable<string>;
  /** Summed score of a candidate; 0 when it is not one. */
  scoreOf(productId: string): number;
  /** The best `n` candidates, best first, ties by id (all of them when `n` is omitted). */
  top(n?: number): Scored[];
}
