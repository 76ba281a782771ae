// Streaming readers for order history and catalogs (`aftercart import`, `aftercart eval`).
export {
  readOnlineRetail,
  isPurchase,
  isProductCode,
  type RetailLine,
  type RetailParseError,
} from './online-retail.js';
export { readShopifyOrdersCsv } from './shopify-orders.js';
export { readCanonicalOrdersJsonl, readCanonicalProductsJsonl } from './canonical-jsonl.js';
export { readShopifyProductsCsv, type ShopifyProductsOptions } from './shopify-products.js';
export { readWooProductsCsv, type WooProductsOptions } from './woo-products.js';
export { openText, isGzipFile } from './open-text.js';
export { readCsvRows, readCsvRecords, type CsvRow, type CsvRecord } from './csv-rows.js';
export { parseUkTime } from './uk-time.js';
export type { HistoryOrder, HistoryOrderLine, HistoryReturn, ProductRecord, RowError } from './types.js';
