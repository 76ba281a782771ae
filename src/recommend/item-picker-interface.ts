// What the worker asks of item selection; the Postgres-backed implementation reads the
// customer's context and the store's catalog and model, and hands them to the pure `pickItems`.
import type { ItemReasonCode } from '../domain/reason-codes.js';
import type { ItemSource } from './types.js';
import type { CatalogStamp } from './catalog-cache.js';

export interface PickRequest {
  store: string;
  customerKey: string | null;
  /** The order(s) this email serves. */
  orderIds: string[];
  lines: {
    orderId: string;
    productId: string;
    title: string;
    productType: string | null;
    quantity: number;
    unitPrice: string;
  }[];
  limit: number;
  /** What customer_context() said of this customer and these orders, when the caller already
   * read it (the worker does, in the statement that loads the cross-sell); else the picker asks. */
  context?: CustomerContext;
}

/** customer_context() (migrations/0007_customer_context.sql): what item selection needs to know of a customer. */
export interface CustomerContext {
  /** The 100 most recent products bought before, newest first: [product id, ISO time]. */
  history: [string, string][];
  owned: string[];
  returned: string[];
  /** Products earlier emails offered this customer. */
  offered: string[];
  /** The store's catalog version (null: no product was ever written). */
  catalog: CatalogStamp | null;
  /** When the store's co-purchase model was last built (null: never). */
  modelBuiltAt: string | null;
}

export interface ChosenItem {
  productId: string;
  title: string;
  source: ItemSource;
  score: number;
  reason: string;
  reasonCode: ItemReasonCode;
  anchorProductId: string;
  anchorTitle: string;
  url?: string;
  imageUrl?: string;
  price?: string;
  currency?: string;
}

export interface ItemPicker {
  pick(
    request: PickRequest,
  ): Promise<{ items: ChosenItem[]; reason: 'no_complements' | null; considered: number; notInCatalog?: number }>;
}
