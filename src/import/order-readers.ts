// The streaming order readers of src/import/readers, by detected format (Online Retail is read line by
// line by the importer itself, since it groups rows into invoices and skips non-products).
import { readCanonicalOrdersJsonl } from './readers/canonical-jsonl.js';
import { readShopifyOrdersCsv } from './readers/shopify-orders.js';
import type { HistoryOrder, RowError } from './readers/types.js';
import type { OrdersFormat } from './detect-format.js';

export type { HistoryOrder };

export const historyOrderSources: Record<
  Exclude<OrdersFormat, 'online-retail'>,
  (path: string, onError: (e: RowError) => void) => AsyncIterable<HistoryOrder>
> = {
  'shopify-orders': readShopifyOrdersCsv,
  'canonical-jsonl': readCanonicalOrdersJsonl,
};
