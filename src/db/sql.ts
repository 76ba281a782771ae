// Queries that matter live as readable .sql files beside the code that runs them. Each file
// starts with a header naming its parameters, one a line, as BullMQ's Lua scripts do:
//   -- $1 store: the store key
import { readFileSync } from 'node:fs';

/** Reads `name.sql` next to the calling module: `const claimStore = sql(import.meta.url, 'claim-store')`. */
export function sql(base: string, name: string): string {
  return readFileSync(new URL(`./sql/${name}.sql`, base), 'utf8');
}

const HEADER_LINE = /^--\s+\$(\d+)\s+([A-Za-z_]\w*)\s*:/;

/** The parameter names a statement's header (its leading comment) lists, by position ($1 first). */
export function headerParams(text: string): (string | undefined)[] {
  const names: (string | undefined)[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('--')) break;
    const m = HEADER_LINE.exec(trimmed);
    if (m) names[Number(m[1]) - 1] = m[2]!;
  }
  return Array.from(names);
}

/** The highest $n a statement's SQL (comments and quoted text aside) refers to. */
export function highestParam(text: string): number {
  const code = text.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
  return Math.max(0, ...[...code.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/** A wide statement bound by name: `values()` orders a named object by the file's header. */
export interface NamedStatement<P extends object> {
  name: string;
  text: string;
  values(params: P): unknown[];
}

/**
 * Loads `name.sql` like sql(), for a statement called with named values: its header is the one
 * place a position gets its name, so the call cannot drift from the SQL. A header with a gap, or
 * a $n it does not name, fails at load; a call missing a name, or naming one the header does
 * not list, throws.
 */
export function namedSql<P extends object>(base: string, name: string): NamedStatement<P> {
  const text = sql(base, name);
  const listed = headerParams(text);
  const used = highestParam(text);
  const names = listed.filter((n): n is string => n !== undefined);
  if (names.length !== listed.length || names.length !== used) {
    throw new Error(`${name}.sql: its header must name $1…$${used}, one a line (-- $1 store: …)`);
  }
  const known = new Set(names);
  return {
    name,
    text,
    values(params: P): unknown[] {
      // Checked on every call: a few dozen look-ups, nothing beside the round trip.
      const given = params as Record<string, unknown>;
      for (const key of Object.keys(given))
        if (!known.has(key)) throw new Error(`${name}.sql has no parameter "${key}"`);
      return names.map((n, i) => {
        if (!(n in given)) throw new Error(`${name}.sql: no value for $${i + 1} ${n}`);
        return given[n];
      });
    },
  };
}

/**
 * Runs a query as a named (server-side prepared) statement, so Postgres plans it once per
 * connection — on the worker's hot path planning costs as much as running. Off for the
 * embedded database, whose one session every client shares (two clients would prepare the
 * same name).
 */
export type QueryRunner = <R extends Record<string, any> = Record<string, any>>(
  name: string,
  text: string,
  values: unknown[],
) => Promise<import('pg').QueryResult<R>>;

export function queryRunner(pool: Pick<import('pg').Pool, 'query'>, prepared: boolean): QueryRunner {
  return (name, text, values) => pool.query(prepared ? { name, text, values } : { text, values });
}
