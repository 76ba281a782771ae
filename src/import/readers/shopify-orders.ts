// Shopify's orders export (Admin → Orders → Export, CSV): one row per line item; order-level
// fields (Email, Financial Status, Currency, Created at, ...) are filled on the first row only.
// Rows of one order are consecutive, so orders are yielded as soon as the next one starts.
//
// The export carries no product ids: a line is identified by `Lineitem sku`, or by its name when
// the SKU is blank. Products read with `readShopifyProductsCsv` list their variant SKUs so an
// importer can map lines to products. There is no customer id either: the email identifies.
// A file without one of the REQUIRED columns is refused naming it (a renamed Email column would
// otherwise import every order without a customer).
// Refunds: a `refunded` order returns every line; a `partially_refunded` one only gives
// `Refunded Amount`, kept as `refundedAmount` since the export does not say which lines.
import { MissingColumnError, readCsvRows, type CsvRow } from './csv-rows.js';
import type { HistoryOrder, RowError } from './types.js';
import { integer, money, shopifyTime } from './cell-values.js';

const REQUIRED = [
  'Name',
  'Email',
  'Created at',
  'Lineitem quantity',
  'Lineitem name',
  'Lineitem price',
  'Lineitem sku',
];
const FORMAT = `a Shopify orders export needs ${REQUIRED.join(', ')}`;

export async function* readShopifyOrdersCsv(
  path: string,
  onError: (e: RowError) => void = () => {},
): AsyncGenerator<HistoryOrder> {
  let current: HistoryOrder | undefined;
  let currentName = '';
  let bad = false; // the current order's first row was unusable: skip its other rows too
  let checked = false;
  for await (const row of readCsvRows(path)) {
    if (!checked) {
      const missing = REQUIRED.find((column) => !row.has(column));
      if (missing) throw new MissingColumnError(path, missing, FORMAT);
      checked = true;
    }
    const name = row.get('Name').trim();
    if (!name) {
      onError({ line: row.line, error: 'missing Name' });
      continue;
    }
    if (name !== currentName) {
      if (current && !bad) yield finish(current);
      currentName = name;
      const started = startOrder(row, name);
      if (typeof started === 'string') {
        onError({ line: row.line, error: started });
        current = undefined;
        bad = true;
        continue;
      }
      current = started;
      bad = false;
    }
    if (bad || !current) continue;
    const lineErr = addLine(current, row);
    if (lineErr) onError({ line: row.line, error: lineErr });
  }
  if (current && !bad) yield finish(current);
}

function startOrder(row: CsvRow, name: string): HistoryOrder | string {
  const createdAt = shopifyTime(row.get('Created at'));
  if (!createdAt) return `order ${name}: bad or missing "Created at" "${row.get('Created at')}"`;
  const email = row.get('Email').trim();
  const financialStatus = row.get('Financial Status').trim().toLowerCase() || undefined;
  const cancelledAt = shopifyTime(row.get('Cancelled at'));
  const refunded = money(row.get('Refunded Amount'));
  return {
    id: row.get('Id').trim() || name,
    name,
    email: email || undefined,
    createdAt,
    currency: row.get('Currency').trim() || 'USD',
    lines: [],
    returns: [],
    financialStatus,
    cancelledAt,
    refundedAmount: refunded && Number(refunded) > 0 ? refunded : undefined,
    line: row.line,
  };
}

function addLine(order: HistoryOrder, row: CsvRow): string | undefined {
  const title = row.get('Lineitem name').trim();
  const sku = row.get('Lineitem sku').trim();
  const quantity = integer(row.get('Lineitem quantity'));
  const unitPrice = money(row.get('Lineitem price'));
  if (!title && !sku) return `order ${order.name}: line item without name or SKU`;
  if (quantity === undefined) return `order ${order.name}: bad Lineitem quantity "${row.get('Lineitem quantity')}"`;
  if (unitPrice === undefined) return `order ${order.name}: bad Lineitem price "${row.get('Lineitem price')}"`;
  order.lines.push({ productId: sku || title, title: title || sku, quantity, unitPrice, sku: sku || undefined });
  return undefined;
}

function finish(order: HistoryOrder): HistoryOrder {
  if (order.financialStatus === 'refunded') {
    order.returns = order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));
  }
  return order;
}
