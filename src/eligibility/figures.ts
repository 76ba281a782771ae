// Reads a customer's figures in one query; always current and recomputable from the record.
import type pg from 'pg';
import { sql, queryRunner, type QueryRunner } from '../db/sql.js';
import type { CustomerFigures } from './check-eligibility.js';
import type { Config } from '../config/schema.js';

const customerFiguresSql = sql(import.meta.url, 'customer-figures');

export async function loadCustomerFigures(
  db: Pick<pg.Pool, 'query'> | QueryRunner,
  args: { store: string; customerKey: string | null; emailHash: string | null; now: Date; config: Config },
): Promise<CustomerFigures> {
  const e = args.config.eligibility;
  const run = typeof db === 'function' ? db : queryRunner(db, false);
  const { rows } = await run('customer-figures', customerFiguresSql, [
    args.store, args.customerKey ?? '', args.emailHash ?? '', e.returns.lookback, e.service.lookback,
    args.config.timing.frequencyCap.per, args.now, e.globalSuppression,
  ]);
  const r = rows[0];
  const unitsBought = Number(r.unitsBought);
  const unitsReturned = Number(r.unitsReturned);
  const serviceOrders = Number(r.serviceOrders);
  const ticketsOpened = Number(r.ticketsOpened);
  return {
    hasEmail: Boolean(r.hasEmail),
    marketingConsent: r.marketingConsent,
    suppression: r.suppression,
    orders: Number(r.orders),
    unitsBought,
    unitsReturned,
    valueBought: r.valueBought,
    valueReturned: r.valueReturned,
    returnRate: unitsBought > 0 ? unitsReturned / unitsBought : 0,
    serviceOrders,
    ticketsOpened,
    openTickets: Number(r.openTickets),
    ticketsPerOrder: serviceOrders > 0 ? ticketsOpened / serviceOrders : ticketsOpened,
    recentEmails: Number(r.recentEmails),
  };
}
