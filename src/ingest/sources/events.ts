// Building canonical events: absent fields are dropped, and what an adapter built is checked
// against the canonical schema so the recorder only ever sees valid events.
import type { z } from 'zod';
import { canonicalEventSchema, type CanonicalEvent } from '../../domain/canonical-event.js';
import { WebhookRejection } from './source.js';

/** The same object without its `undefined` fields. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The events as the schema outputs them (texts capped, ids as strings), or a 400 naming the field. */
export function checkedEvents(events: CanonicalEvent[]): CanonicalEvent[] {
  return events.map((event) => {
    const result = canonicalEventSchema.safeParse(event);
    if (!result.success) {
      throw new WebhookRejection(400, `cannot map to ${event.type}: ${describeIssues(result.error.issues)}`);
    }
    return result.data;
  });
}

type Issue = z.ZodError['issues'][number];

/** `data.order.lines[0].unitPrice: expected a decimal string such as "12.50"`; at most 3 issues. */
export function describeIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${pathText(issue.path)}: ${problem(issue)}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function problem(issue: Issue): string {
  if (issue.code === 'invalid_union') {
    if ('options' in issue && Array.isArray(issue.options)) return `expected one of ${issue.options.join(', ')}`;
    const expected = issue.errors.flat().flatMap((e) => ('expected' in e ? [String(e.expected)] : []));
    if (expected.length > 0) return `expected ${[...new Set(expected)].join(' or ')}`;
  }
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
    return `missing (expected ${String(issue.expected)})`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return /^(expected|invalid|too|unrecognized)/i.test(message) ? message : `expected ${message}`;
}
