// Reader for Online-Retail style order history:
// `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`, or the
// "Online Retail II" export's names for the same columns (`Invoice`, `Price`, `Customer ID`).
// Every column but Description and Country is required: a file without one is refused, naming it.
// Stock codes are normalised here (`retailProductId`), so import and eval see the same products.
// One record per line, unchanged apart from trimming; deciding what counts as a purchase
// is left to the consumer (`isPurchase`), since an importer also wants the returns.
import { findColumns, readCsvRecords } from './csv-rows.js';
import { parseUkTime } from './uk-time.js';

export interface RetailLine {
  invoice: string;
  stockCode: string;
  description: string;
  quantity: number;
  /** The instant; the file's UK wall-clock time converted with UK summer time (see uk-time.ts). */
  invoiceDate: Date;
  /** As written (GBP), a decimal string; may be zero or negative for adjustments. */
  unitPrice: string;
  customerId?: string;
  country: string;
  /** A cancellation/return: invoice starts with `C`, or a negative quantity. */
  isReturn: boolean;
  /** False for postage, discounts, fees, manual lines and gift vouchers. */
  isProduct: boolean;
  /** 1-based line in the file. */
  line: number;
}

export type RetailParseError = { line: number; error: string };

const NOT_PRODUCTS = new Set(['POST', 'D', 'M', 'BANK CHARGES', 'DOT', 'AMAZONFEE', 'CRUK', 'C2', 'PADS', 'S', 'B']);

/** Stock codes that are charges, fees or vouchers rather than things a customer owns. */
export function isProductCode(stockCode: string): boolean {
  const code = stockCode.trim().toUpperCase();
  return !NOT_PRODUCTS.has(code) && !code.startsWith('GIFT_');
}

/** The product id of a stock code: trimmed and upper-cased ("85123a" and "85123A" are one product). */
export function retailProductId(stockCode: string): string {
  return stockCode.trim().toUpperCase();
}

const COLUMNS = {
  invoice: { names: ['InvoiceNo', 'Invoice'], required: true },
  stockCode: { names: ['StockCode'], required: true },
  description: { names: ['Description'], required: false },
  quantity: { names: ['Quantity'], required: true },
  date: { names: ['InvoiceDate'], required: true },
  price: { names: ['UnitPrice', 'Price'], required: true },
  customer: { names: ['CustomerID', 'Customer ID'], required: true },
  country: { names: ['Country'], required: false },
} as const;

const FORMAT = 'an Online Retail file needs InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice and CustomerID';

/** A line the evaluation protocol counts as a purchase: customer known, positive quantity and price, a product. */
export function isPurchase(l: RetailLine): boolean {
  return !l.isReturn && l.isProduct && l.customerId !== undefined && l.quantity > 0 && Number(l.unitPrice) > 0;
}

/**
 * Streams the file. Rows that cannot be read (bad date or quantity) are skipped and passed to
 * `onError` with their line number rather than stopping a 500k-line import.
 */
export async function* readOnlineRetail(
  path: string,
  onError: (e: RetailParseError) => void = () => {},
): AsyncGenerator<RetailLine> {
  let col: Record<keyof typeof COLUMNS, number | undefined> | undefined;
  let lastDateText = '';
  let lastDate: Date | undefined;
  for await (const { cells, line } of readCsvRecords(path, (names) => {
    col = findColumns(path, names, COLUMNS, FORMAT);
  })) {
    const cell = (name: keyof typeof COLUMNS): string => {
      const i = col![name];
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const invoice = cell('invoice');
    const stockCode = retailProductId(cell('stockCode'));
    const quantity = Number(cell('quantity'));
    const dateText = cell('date');
    // Consecutive lines share an invoice timestamp: parse each distinct one once.
    if (dateText !== lastDateText) {
      lastDateText = dateText;
      lastDate = parseUkTime(dateText);
    }
    if (!invoice || !stockCode) {
      onError({ line, error: 'missing InvoiceNo or StockCode' });
      continue;
    }
    if (!Number.isFinite(quantity)) {
      onError({ line, error: `bad Quantity "${cell('quantity')}"` });
      continue;
    }
    if (!lastDate) {
      onError({ line, error: `bad InvoiceDate "${dateText}"` });
      continue;
    }
    yield toRetailLine(cell, invoice, stockCode, quantity, lastDate, line);
  }
}

/** The line's record, from its checked fields and the cells read as they are. */
function toRetailLine(
  cell: (name: keyof typeof COLUMNS) => string,
  invoice: string,
  stockCode: string,
  quantity: number,
  invoiceDate: Date,
  line: number,
): RetailLine {
  const customer = cell('customer');
  return {
    invoice,
    stockCode,
    description: cell('description'),
    quantity,
    invoiceDate,
    unitPrice: cell('price') || '0',
    // Some exports write the id as a float ("17850.0").
    customerId: customer ? customer.replace(/\.0+$/, '') : undefined,
    country: cell('country'),
    isReturn: invoice.toUpperCase().startsWith('C') || quantity < 0,
    isProduct: isProductCode(stockCode),
    line,
  };
}
