// Reads a file of pool codes: one code a line, or a CSV whose header names a `code` column.
// Blank lines are skipped; a code is trimmed and at most 255 characters without spaces.

export interface CodeFile {
  codes: string[];
  /** Lines that hold no usable code: line number and why. */
  bad: { line: number; error: string }[];
}

export function parseCodeFile(text: string): CodeFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = csvCells(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const column = header.indexOf('code');
  const isCsv = column >= 0;
  const out: CodeFile = { codes: [], bad: [] };
  lines.forEach((raw, i) => {
    if (isCsv && i === 0) return;
    if (!raw.trim()) return;
    const code = (isCsv ? (csvCells(raw)[column] ?? '') : raw).trim();
    if (!code) out.bad.push({ line: i + 1, error: 'no code' });
    else if (code.length > 255 || /\s/.test(code))
      out.bad.push({ line: i + 1, error: 'not a code (spaces, or over 255 characters)' });
    else out.codes.push(code);
  });
  return out;
}

/** The cells of one CSV line ("" quotes, "" inside quotes). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') ((cell += '"'), i++);
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) (cells.push(cell), (cell = ''));
    else cell += c;
  }
  cells.push(cell);
  return cells;
}
