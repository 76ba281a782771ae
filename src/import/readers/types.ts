// Records the history readers produce: close to the canonical shapes (src/domain/canonical-event.ts),
// but with real Dates and the returns kept alongside the order.
import type { Product } from '../../domain/canonical-event.js';

export interface HistoryOrderLine {
  productId: string;
  title: string;
  quantity: number;
  /** Decimal string, as in canonical events. */
  unitPrice: string;
  productType?: string;
  sku?: string;
}

export interface HistoryReturn {
  productId: string;
  quantity: number;
  /** Refunded money for the line, when known. */
  amount?: string;
}

export interface HistoryOrder {
  id: string;
  /** Human name when the platform has one (Shopify "#1001"). */
  name?: string;
  customerId?: string;
  email?: string;
  createdAt: Date;
  currency: string;
  lines: HistoryOrderLine[];
  /** Returned or refunded lines (whole-order refunds list every line). */
  returns: HistoryReturn[];
  financialStatus?: string;
  cancelledAt?: Date;
  /** Refund total when the export gives only an amount (Shopify partial refunds). */
  refundedAmount?: string;
  /** File line where the order starts. */
  line: number;
}

/** A row the reader could not use, with where it is, so an import can report it and go on. */
export interface RowError {
  line: number;
  error: string;
}

export type ProductRecord =
  | {
      ok: true;
      product: Product;
      line: number;
      /** Variant SKUs, to map order lines (which carry SKUs) to the product. */ skus?: string[];
    }
  | { ok: false; line: number; error: string };
