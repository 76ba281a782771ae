// Loads one cross-sell the way the worker decides and composes it (sql/load-cross-sell.sql): the
// row, its order, the customer, the lines of every order one email serves, and the customer's
// figures and item context. `aftercart preview` loads it the same way.
import type { Config } from '../src/config/schema.js';
import type { RecordedLine, RecordedOrder } from '../src/timing/order-timing.js';
import { figuresWindow, type StoredFigures } from '../src/eligibility/figures.js';
import type { CustomerContext } from '../src/recommend/item-picker-interface.js';
import { sql, type QueryRunner } from '../src/db/sql.js';

const loadQuery = sql(import.meta.url, 'load-cross-sell');

export interface LoadedCrossSell extends RecordedOrder {
  id: string;
  store: string;
  orderId: string;
  customerKey: string | null;
  status: string;
  /** An operator pressed "send now": timing is not re-decided. */
  sendNow: boolean;
  currency: string | null;
  email: string | null;
  firstName: string | null;
  locale: string | null;
  siblings: { id: number; orderId: string }[];
  /** customer_figures() with the hash in the customer key (null unless scheduled). */
  figuresByKey: StoredFigures | null;
  /** customer_context() for this customer and these orders (null unless scheduled). */
  itemContext: CustomerContext | null;
  lines: (RecordedLine & { orderId: string; title: string })[];
}

/** The cross-sell as it stands now; undefined when there is none (or no order record). */
export async function loadCrossSell(
  run: QueryRunner,
  crossSellId: string,
  config: Config,
  now: Date,
): Promise<LoadedCrossSell | undefined> {
  const loaded = await run<LoadedCrossSell>('load-cross-sell', loadQuery, [crossSellId, ...figuresWindow(config, now)]);
  return loaded.rows[0];
}
