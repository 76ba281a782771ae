// Does a timing rule's `when` apply to an order line?
import type { LineMatch, TimedLine } from './types.js';

// Merchants type product types, tags and vendors by hand, so case and stray spaces don't count.
const loose = (s: string): string => s.trim().toLowerCase();

// Lines come from stores and the catalog: a value may be absent, null or not a string at all.
function anyOf(listed: string[], actual: readonly unknown[] | null | undefined, norm: (s: string) => string): boolean {
  const want = new Set(listed.map(norm));
  return Array.isArray(actual) && actual.some((a) => typeof a === 'string' && want.has(norm(a)));
}

/**
 * Every given field must match (any listed value). An empty list matches nothing, so a
 * half-written rule such as `{ tags: [], skip: true }` can't silently skip every order;
 * `when: {}` matches every line (a catch-all).
 */
export function matchRule(line: TimedLine, when: LineMatch): boolean {
  const exact = (s: string): string => s;
  if (when.productType && !anyOf(when.productType, [line.productType], loose)) return false;
  if (when.vendor && !anyOf(when.vendor, [line.vendor], loose)) return false;
  if (when.tags && !anyOf(when.tags, line.tags ?? [], loose)) return false;
  if (when.sku && !anyOf(when.sku, [line.sku], exact)) return false;
  if (when.productId && !anyOf(when.productId, [line.productId], exact)) return false;
  return true;
}
