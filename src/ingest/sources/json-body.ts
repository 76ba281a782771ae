// Reads a webhook body as JSON without losing digits: numbers become LosslessNumber (their exact
// source text), so Shopify's 18-digit ids never pass through a float. The native JSON.parse does
// the parsing (lossless-json's own parser was a fifth of ingest CPU); only integers too long for
// a double are found by a scan and carried through it as marked strings.
import { LosslessNumber } from 'lossless-json';
import { WebhookRejection } from './source.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new WebhookRejection(400, 'body is not valid UTF-8');
  }
  if (text.trim() === '') throw new WebhookRejection(400, 'body is empty; expected a JSON object');
  try {
    // Duplicate keys: last one wins, as with JSON.parse.
    return JSON.parse(markLongIntegers(text), revive);
  } catch (err) {
    if (err instanceof RangeError) throw new WebhookRejection(400, 'body is not valid JSON: nested too deeply');
    const reason = err instanceof Error ? err.message : String(err);
    throw new WebhookRejection(400, `body is not valid JSON: ${reason}`);
  }
}

/** Prefix of a marked long integer; a real JSON string can't be confused unless it holds NUL. */
const MARK = '\u0000#';
/** The same prefix as JSON text (raw control characters are not allowed in JSON strings). */
const MARK_JSON = '\\u0000#';

function revive(_key: string, value: unknown): unknown {
  if (typeof value === 'number') return new LosslessNumber(String(value));
  if (typeof value === 'string' && value.startsWith(MARK)) return new LosslessNumber(value.slice(MARK.length));
  return value;
}

/** A run of 16+ digits that is a whole number token (no fraction or exponent attached). */
const LONG_INTEGER = /-?\d{16,}(?![\d.eE])/g;

/**
 * Wraps every integer literal of 16 or more digits (outside strings) in a marked string, so
 * JSON.parse keeps its digits. Shorter numbers survive a double exactly (String(n) gives back
 * the shortest exact form). Malformed JSON is left for JSON.parse to report. Native searches
 * jump from quote to quote and from long number to long number: no per-character loop.
 */
export function markLongIntegers(text: string): string {
  LONG_INTEGER.lastIndex = 0;
  let match = LONG_INTEGER.exec(text);
  if (!match) return text;
  let out = '';
  let last = 0;
  let pos = 0; // everything before pos is outside any string
  while (match) {
    // Skip the strings that open before this number; a number inside one is left alone.
    let quote = text.indexOf('"', pos);
    while (quote !== -1 && quote < match.index) {
      const close = closingQuote(text, quote);
      if (close === -1) return last === 0 ? text : out + text.slice(last); // unterminated: JSON.parse reports it
      pos = close + 1;
      quote = text.indexOf('"', pos);
    }
    const start = match.index;
    const prev = text.charCodeAt(start - 1);
    // Inside a string we jumped past, or the tail of a longer token ("1.2345…", "1e+1234…"): leave it.
    if (start >= pos && !(prev >= 48 && prev <= 57) && ![46, 43, 101, 69].includes(prev) /* . + e E */) {
      out += text.slice(last, start) + '"' + MARK_JSON + match[0] + '"';
      last = start + match[0].length;
    }
    pos = Math.max(pos, start + match[0].length);
    LONG_INTEGER.lastIndex = pos;
    match = LONG_INTEGER.exec(text);
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Index of the quote closing the string that opens at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let i = text.indexOf('"', open + 1);
  while (i !== -1) {
    let backslashes = 0;
    for (let k = i - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return i;
    i = text.indexOf('"', i + 1);
  }
  return -1;
}
