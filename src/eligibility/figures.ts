// Reads a customer's figures in one query (customer_figures(), migrations/0009); always current
// and recomputable from the record. The worker reads the same function in the statement that
// loads a cross-sell and maps it with `figuresFrom`.
import type pg from 'pg';
import { sql, queryRunner, type QueryRunner } from '../db/sql.js';
import type { CustomerFigures } from './check-eligibility.js';
import type { Config } from '../config/schema.js';

const customerFiguresSql = sql(import.meta.url, 'customer-figures');

/** What customer_figures() returns. */
export interface StoredFigures {
  hasEmail: boolean;
  marketingConsent: boolean | null;
  suppression: CustomerFigures['suppression'];
  orders: number;
  unitsBought: number;
  unitsReturned: number;
  valueBought: string;
  valueReturned: string;
  serviceOrders: number;
  ticketsOpened: number;
  openTickets: number;
  recentEmails: number;
}

/** customer_figures()'s arguments after store, customer key and email hash, from config. */
export function figuresWindow(config: Config, now: Date): [number, number, number, Date, boolean] {
  const e = config.eligibility;
  return [e.returns.lookback, e.service.lookback, config.timing.frequencyCap.per, now, e.globalSuppression];
}

export async function loadCustomerFigures(
  db: Pick<pg.Pool, 'query'> | QueryRunner,
  args: { store: string; customerKey: string | null; emailHash: string | null; now: Date; config: Config },
): Promise<CustomerFigures> {
  const run = typeof db === 'function' ? db : queryRunner(db, false);
  const { rows } = await run<{ figures: StoredFigures }>('customer-figures', customerFiguresSql, [
    args.store,
    args.customerKey ?? '',
    args.emailHash ?? '',
    ...figuresWindow(args.config, args.now),
  ]);
  return figuresFrom(rows[0]!.figures);
}

export function figuresFrom(r: StoredFigures): CustomerFigures {
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
