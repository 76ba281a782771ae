// Reads a webhook body as JSON without losing digits: numbers become LosslessNumber (their exact
// source text), so Shopify's 18-digit ids never pass through a float. The native JSON.parse does
// the parsing (lossless-json's own parser was a fifth of ingest CPU); only numbers whose integer
// part is too long for a double are found by a scan and carried through it as marked strings.
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
    return revive(JSON.parse(markLongIntegers(text)));
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

/**
 * Numbers and marked strings to LosslessNumber, in place. A walk in JS, not a JSON.parse reviver:
 * V8 calls a reviver from C++ for every value, three times the cost of the parse.
 */
function revive(value: unknown): unknown {
  if (typeof value === 'number') return new LosslessNumber(String(value));
  if (typeof value === 'string') return value.startsWith(MARK) ? new LosslessNumber(value.slice(MARK.length)) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const before = object[key];
    const after = revive(before);
    // Defined, not assigned: assigning to a "__proto__" key would set the prototype.
    if (after !== before)
      Object.defineProperty(object, key, { value: after, writable: true, enumerable: true, configurable: true });
  }
  return object;
}

/** The 16+ digits of a number's integer part; greedy with nothing after it, never retried per digit. */
const LONG_DIGITS = /\d{16,}/g;
/** What may follow the integer part: fraction and exponent (perhaps nothing). */
const NUMBER_TAIL = /(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const OPEN_MARKED = '"' + MARK_JSON;

/**
 * Wraps every number literal with 16 or more integer digits (outside strings) in a marked string,
 * so JSON.parse keeps its exact text. Shorter integers survive a double exactly (String(n) gives
 * back the shortest exact form). Malformed JSON is left for JSON.parse to report. Native searches
 * jump from quote to quote and from long number to long number, each character read a bounded
 *  number of times: linear in the text. (`test`, not `exec` or a replace callback: their match
 * objects cost 2 to 30 times the CPU on a body packed with long numbers.)
 */
export function markLongIntegers(text: string): string {
  let out = '';
  let last = 0;
  let pos = 0; // everything before pos is outside any string
  let quote = text.indexOf('"'); // the first quote at or after pos
  LONG_DIGITS.lastIndex = 0;
  while (LONG_DIGITS.test(text)) {
    const start = numberStart(text, LONG_DIGITS.lastIndex - 16);
    NUMBER_TAIL.lastIndex = LONG_DIGITS.lastIndex;
    NUMBER_TAIL.test(text);
    const end = NUMBER_TAIL.lastIndex;
    // Skip the strings that open before this number; a number inside one is left alone.
    while (quote !== -1 && quote < start) {
      const close = closingQuote(text, quote);
      if (close === -1) return last === 0 ? text : out + text.slice(last); // unterminated: JSON.parse reports it
      pos = close + 1;
      quote = text.indexOf('"', pos);
    }
    // Inside a string we jumped past, or the tail of a longer token ("1.2345…", "1e+1234…"): leave it.
    if (start >= pos && !continuesToken(text.charCodeAt(start - 1))) {
      out += text.slice(last, start) + OPEN_MARKED + text.slice(start, end) + '"';
      last = end;
    }
    LONG_DIGITS.lastIndex = Math.max(pos, end);
  }
  return last === 0 ? text : out + text.slice(last);
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** A digit, '.', '+', 'e' or 'E' before a digit run makes it part of the token before it. */
const continuesToken = (c: number) => isDigit(c) || c === 46 || c === 43 || c === 101 || c === 69;

/** The start of the number whose digits run through `i`: back over digits and a minus sign. */
function numberStart(text: string, i: number): number {
  while (i > 0 && isDigit(text.charCodeAt(i - 1))) i--;
  return text.charCodeAt(i - 1) === 45 ? i - 1 : i;
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
