// What the worker asks of item selection; the Postgres-backed implementation loads the
// candidates and hands them to the pure `pickItems`.
import type { ItemSource } from './types.js';

export interface PickRequest {
  store: string;
  customerKey: string | null;
  /** The order(s) this email serves. */
  orderIds: string[];
  lines: { orderId: string; productId: string; title: string; productType: string | null; quantity: number; unitPrice: string }[];
  limit: number;
}

export interface ChosenItem {
  productId: string;
  title: string;
  source: ItemSource;
  score: number;
  reason: string;
  reasonCode: 'needed_for' | 'goes_with' | 'often_bought_with';
  anchorProductId: string;
  anchorTitle: string;
  url?: string;
  imageUrl?: string;
  price?: string;
  currency?: string;
}

export interface ItemPicker {
  pick(request: PickRequest): Promise<{ items: ChosenItem[]; reason: 'no_complements' | null; considered: number }>;
}
