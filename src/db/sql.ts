// Queries that matter live as readable .sql files beside the code that runs them.
import { readFileSync } from 'node:fs';

/** Reads `name.sql` next to the calling module: `const recordOrder = sql(import.meta.url, 'record-order')`. */
export function sql(base: string, name: string): string {
  return readFileSync(new URL(`./sql/${name}.sql`, base), 'utf8');
}

/**
 * Runs a query as a named (server-side prepared) statement, so Postgres plans it once per
 * connection — on the worker's hot path planning costs as much as running. Off for the
 * embedded database, whose one session every client shares (two clients would prepare the
 * same name).
 */
export type QueryRunner = <R extends Record<string, any> = Record<string, any>>(name: string, text: string, values: unknown[]) => Promise<import('pg').QueryResult<R>>;

export function queryRunner(pool: Pick<import('pg').Pool, 'query'>, prepared: boolean): QueryRunner {
  return (name, text, values) => pool.query(prepared ? { name, text, values } : { text, values });
}
