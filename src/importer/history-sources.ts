// Adapters from the streaming readers in src/history to one shape the order importer writes.
import type { OrdersFormat } from './detect.js';

/** An order as the history readers yield it (Shopify orders CSV, canonical JSON lines). */
export interface HistoryOrder {
  id: string;
  customerId?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  marketingConsent?: boolean;
  createdAt: Date | string;
  currency: string;
  shippingCountry?: string;
  total?: string;
  cancelledAt?: Date | string;
  refundedAt?: Date | string;
  refundedAmount?: string;
  lines: { productId: string; title: string; quantity: number; unitPrice: string; productType?: string; variantId?: string; sku?: string; vendor?: string }[];
  returns?: { productId: string; quantity: number; amount?: string }[];
}

export type HistoryItem = { ok: true; order: HistoryOrder; line: number } | { ok: false; line: number; error: string };

export const historyOrderSources: Record<Exclude<OrdersFormat, 'online-retail'>, (path: string) => AsyncIterable<HistoryItem>> = {
  'shopify-orders': () => notYet('Shopify orders CSV'),
  'canonical-jsonl': () => notYet('canonical JSON lines'),
};

// eslint-disable-next-line require-yield
async function* notYet(what: string): AsyncGenerator<HistoryItem> {
  throw new Error(`importing ${what} is not available yet`);
}
