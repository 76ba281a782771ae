// Streams a CSV file (plain or gzip) with line numbers, so importers can report
// "line 17: ..." and skip a bad row instead of failing the whole file.
import { parse } from 'csv-parse';
import { openText } from './open-text.js';

export interface CsvRecord {
  cells: string[];
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
}

/** Raw records after the header; `header` receives the trimmed column names first. */
export async function* readCsvRecords(path: string, header: (names: string[]) => void): AsyncGenerator<CsvRecord> {
  const input = await openText(path);
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let first = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (first) {
        first = false;
        header(record.map((name) => name.trim()));
        continue;
      }
      // `info.lines` is where the record ends; a quoted cell may span several lines.
      yield { cells: record, line: info.lines - countNewlines(record) };
    }
  } catch (err) {
    // A file the parser cannot read past (an unclosed quote) stops the import: name the file.
    const e = err as { code?: unknown; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_'))
      throw new Error(`${path}: not a readable CSV: ${e.message}`);
    throw err;
  }
}

export interface CsvRow {
  /** Cell by header name; '' when the column or the cell is missing. */
  get(column: string): string;
  has(column: string): boolean;
  line: number;
}

/** Header-keyed rows: the shape the catalog and order-export readers want. */
export async function* readCsvRows(path: string): AsyncGenerator<CsvRow> {
  let index = new Map<string, number>();
  for await (const { cells, line } of readCsvRecords(path, (names) => {
    index = new Map(names.map((name, i) => [name, i] as const));
  })) {
    const cols = index;
    yield {
      get: (column) => {
        const i = cols.get(column);
        return i === undefined ? '' : (cells[i] ?? '');
      },
      has: (column) => cols.has(column),
      line,
    };
  }
}

/**
 * A header without a column a format needs: the file is refused before any row is written, so a
 * renamed column cannot turn into zero prices or missing customers row after row.
 */
export class MissingColumnError extends Error {
  constructor(
    readonly path: string,
    readonly column: string,
    format: string,
  ) {
    super(`${path}: no "${column}" column (${format})`);
    this.name = 'MissingColumnError';
  }
}

/**
 * The header index of each wanted column, by the first of its names the header has; throws
 * MissingColumnError naming the first name of a required column that has none of them.
 */
export function findColumns<K extends string>(
  path: string,
  header: readonly string[],
  columns: Record<K, { names: readonly string[]; required: boolean }>,
  format: string,
): Record<K, number | undefined> {
  const index = new Map(header.map((name, i) => [name.toLowerCase(), i] as const));
  const found = {} as Record<K, number | undefined>;
  for (const key of Object.keys(columns) as K[]) {
    const { names, required } = columns[key];
    const i = names.map((n) => index.get(n.toLowerCase())).find((x) => x !== undefined);
    if (i === undefined && required) throw new MissingColumnError(path, names[0]!, format);
    found[key] = i;
  }
  return found;
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) {
    for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) n++;
  }
  return n;
}
