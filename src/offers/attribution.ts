// Exact attribution by code: an order carrying a code an email issued converts that email.
import { sql } from '../db/sql.js';

const attribute = sql(import.meta.url, 'attribute-codes');

/** Records the conversions the order's discount codes name (none when no issued code matches). */
export async function attributeCodes(
  db: { query(text: string, values: unknown[]): Promise<unknown> },
  store: string,
  orderId: string,
  codes: string[],
): Promise<void> {
  await db.query(attribute, [store, orderId, codes]);
}
