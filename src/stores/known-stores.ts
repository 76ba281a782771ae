// The stores a deployment knows: those with data in the database and those named in config
// `stores`. `stats --store`, the admin's store picker and the missing-address warning read it.
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { configuredStores } from '../config/store-settings.js';
import { sql } from '../db/sql.js';

type Queryable = Pick<pg.Pool, 'query'>;
const knownStoresSql = sql(import.meta.url, 'known-stores');

/** Stores with data, then configured ones without any yet; sorted, each once. */
export async function knownStores(pool: Pick<pg.Pool, 'query'>, config?: Config): Promise<string[]> {
  const { rows } = await pool.query<{ store: string }>(knownStoresSql);
  const stores = new Set(rows.map((r) => r.store));
  for (const store of config ? configuredStores(config) : []) stores.add(store);
  return [...stores].sort();
}

/** The store as the deployment knows it (case-insensitively), or undefined: there is no such store. */
export async function findStore(pool: Queryable, store: string, config?: Config): Promise<string | undefined> {
  const known = await knownStores(pool, config);
  return known.find((s) => s === store) ?? known.find((s) => s.toLowerCase() === store.toLowerCase());
}
