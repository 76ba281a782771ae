// The streaming order readers of src/history, by detected format (Online Retail is read line by
// line by the importer itself, since it groups rows into invoices and skips non-products).
import { readCanonicalOrdersJsonl } from '../history/canonical-jsonl.js';
import { readShopifyOrdersCsv } from '../history/shopify-orders.js';
import type { HistoryOrder, RowError } from '../history/types.js';
import type { OrdersFormat } from './detect.js';

export type { HistoryOrder };

export const historyOrderSources: Record<
  Exclude<OrdersFormat, 'online-retail'>,
  (path: string, onError: (e: RowError) => void) => AsyncIterable<HistoryOrder>
> = {
  'shopify-orders': readShopifyOrdersCsv,
  'canonical-jsonl': readCanonicalOrdersJsonl,
};
