// Length caps on text from stores and imports: a 900 KB product title must not become a
// 900 KB subject line or table row. Caps count code points and never split a surrogate pair.

/** Product and order line titles, as stored. */
export const TITLE_MAX = 255;
/** A customer's first or last name, as stored. */
export const NAME_MAX = 100;
/** The rendered subject line of an email. */
export const SUBJECT_MAX = 200;

/** The first `max` code points of `text` (all of it when shorter). */
export function capCodePoints(text: string, max: number): string {
  // UTF-16 length is never below the code point count: most text needs no walk.
  if (text.length <= max) return text;
  let end = 0;
  for (let n = 0; n < max && end < text.length; n++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return text.slice(0, end);
}

/** `text` in at most `max` code points, ending in "…" when it was cut. */
export function ellipsize(text: string, max: number): string {
  return capCodePoints(text, max) === text ? text : `${capCodePoints(text, max - 1)}…`;
}
