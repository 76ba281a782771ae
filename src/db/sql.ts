// Queries that matter live as readable .sql files beside the code that runs them.
import { readFileSync } from 'node:fs';

/** Reads `name.sql` next to the calling module: `const q = sql(import.meta.url, 'record-order')`. */
export function sql(base: string, name: string): string {
  return readFileSync(new URL(`./sql/${name}.sql`, base), 'utf8');
}
