// Path-aware reading of a parsed webhook body. Optional fields of the wrong type read as absent
// (a store adding or retyping a field must not make us reject its orders); required ones throw
// WebhookRejection(400) naming the field, e.g. `line_items[2].price`.
import { isLosslessNumber } from 'lossless-json';
import { toDecimal } from '../../money/json-number.js';
import { WebhookRejection } from './source.js';

type JsonObject = Record<string, unknown>;

const isoDateTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isLosslessNumber(value) || typeof value === 'number') return 'a number';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value === 'boolean' ? 'a boolean' : 'an object';
}

export type Zoneless = 'reject' | 'utc';

export class Fields {
  private constructor(
    private readonly obj: JsonObject,
    readonly path: string,
  ) {}

  /** The body's top level; `what` names it in the error. */
  static root(value: unknown, what = 'body'): Fields {
    if (!isObject(value)) throw new WebhookRejection(400, `${what}: expected a JSON object, got ${describe(value)}`);
    return new Fields(value, '');
  }

  pathOf(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** The own property (never an inherited one such as `constructor`); null reads as absent. */
  raw(key: string): unknown {
    const v = Object.hasOwn(this.obj, key) ? this.obj[key] : undefined;
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  text(key: string): string | undefined {
    const v = this.raw(key);
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  }

  /** A string id, or an integer JSON number kept digit for digit. */
  id(key: string): string | undefined {
    return toId(this.raw(key));
  }

  decimal(key: string): string | undefined {
    return toDecimal(this.raw(key));
  }

  int(key: string): number | undefined {
    const v = this.raw(key);
    const n = isLosslessNumber(v) ? Number(v.toString()) : typeof v === 'number' ? v : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    return typeof v === 'boolean' ? v : undefined;
  }

  /** An ISO 8601 time, normalised to UTC (`…Z`). Zone-less times are rejected or read as UTC. */
  time(key: string, zoneless: Zoneless = 'reject'): string | undefined {
    const v = this.raw(key);
    if (typeof v !== 'string' || !isoDateTime.test(v)) return undefined;
    const withZone = hasZone.test(v) ? v : zoneless === 'utc' && v.includes('T') ? `${v}Z` : undefined;
    if (withZone === undefined) return undefined;
    const ms = Date.parse(withZone);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }

  object(key: string): Fields | undefined {
    const v = this.raw(key);
    return isObject(v) ? new Fields(v, this.pathOf(key)) : undefined;
  }

  /** The objects of a list field (other items skipped), each with its indexed path. */
  objects(key: string): Fields[] {
    const v = this.raw(key);
    if (!Array.isArray(v)) return [];
    const out: Fields[] = [];
    v.forEach((item, i) => {
      if (isObject(item)) out.push(new Fields(item, `${this.pathOf(key)}[${i}]`));
    });
    return out;
  }

  list(key: string): unknown[] | undefined {
    const v = this.raw(key);
    return Array.isArray(v) ? v : undefined;
  }

  requireText(key: string): string {
    return this.required(key, this.text(key), 'a non-empty string');
  }

  requireId(key: string): string {
    return this.required(key, this.id(key), 'an id (string or integer)');
  }

  requireDecimal(key: string): string {
    return this.required(key, this.decimal(key), 'a decimal amount such as "12.50"');
  }

  requireInt(key: string): number {
    return this.required(key, this.int(key), 'an integer');
  }

  /** A quantity: an integer of 0 or more. */
  requireCount(key: string): number {
    const n = this.requireInt(key);
    if (n < 0) throw new WebhookRejection(400, `${this.pathOf(key)}: expected a quantity of 0 or more, got ${n}`);
    return n;
  }

  requireTime(key: string, zoneless: Zoneless = 'reject'): string {
    const expected = zoneless === 'reject' ? 'an ISO 8601 time with a zone' : 'an ISO 8601 time';
    return this.required(key, this.time(key, zoneless), expected);
  }

  requireObject(key: string): Fields {
    return this.required(key, this.object(key), 'an object');
  }

  requireList(key: string): unknown[] {
    return this.required(key, this.list(key), 'a list');
  }

  /** Present with an explicit JSON null (which `raw` reads as absent). */
  isNull(key: string): boolean {
    return Object.hasOwn(this.obj, key) && this.obj[key] === null;
  }

  private required<T>(key: string, value: T | undefined, expected: string): T {
    if (value !== undefined) return value;
    const got = this.raw(key);
    const problem = got === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${describe(got)}`;
    throw new WebhookRejection(400, `${this.pathOf(key)}: ${problem}`);
  }
}

export function toId(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() !== '' ? v.trim() : undefined;
  if (isLosslessNumber(v)) return /^-?\d+$/.test(v.toString()) ? v.toString() : undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : undefined;
  return undefined;
}
