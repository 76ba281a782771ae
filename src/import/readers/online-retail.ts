// Reader for Online-Retail style order history:
// `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`.
// One record per line, unchanged apart from trimming; deciding what counts as a purchase
// is left to the consumer (`isPurchase`), since an importer also wants the returns.
import { readCsvRecords } from './csv-rows.js';
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
  let col: Record<string, number> = {};
  let lastDateText = '';
  let lastDate: Date | undefined;
  for await (const { cells, line } of readCsvRecords(path, (names) => {
    col = Object.fromEntries(names.map((n, i) => [n, i]));
    for (const need of ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate']) {
      if (!(need in col)) throw new Error(`${path}: not an Online-Retail file, no ${need} column`);
    }
  })) {
    const cell = (name: string): string => (cells[col[name]] ?? '').trim();
    const invoice = cell('InvoiceNo');
    const stockCode = cell('StockCode');
    const quantity = Number(cell('Quantity'));
    const dateText = cell('InvoiceDate');
    // Consecutive lines share an invoice timestamp: parse each distinct one once.
    if (dateText !== lastDateText) {
      lastDateText = dateText;
      lastDate = parseUkTime(dateText);
    }
    if (!invoice || !stockCode) { onError({ line, error: 'missing InvoiceNo or StockCode' }); continue; }
    if (!Number.isFinite(quantity)) { onError({ line, error: `bad Quantity "${cell('Quantity')}"` }); continue; }
    if (!lastDate) { onError({ line, error: `bad InvoiceDate "${dateText}"` }); continue; }
    const customer = cell('CustomerID');
    yield {
      invoice,
      stockCode,
      description: cell('Description'),
      quantity,
      invoiceDate: lastDate,
      unitPrice: cell('UnitPrice') || '0',
      // Some exports write the id as a float ("17850.0").
      customerId: customer ? customer.replace(/\.0+$/, '') : undefined,
      country: cell('Country'),
      isReturn: invoice.toUpperCase().startsWith('C') || quantity < 0,
      isProduct: isProductCode(stockCode),
      line,
    };
  }
}
