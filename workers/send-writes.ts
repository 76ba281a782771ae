// The writes of concurrent sends, batched: claims, DATA marks and sent records that arrive
// together (while the previous one of their kind is in flight) go to Postgres as one statement
// and one commit each, instead of one per email; those of one event-loop turn go at its end when none is in flight. Each caller still waits for its own row's
// answer, so every guarantee of send.ts and record.ts holds as written there.
import type pg from 'pg';
import { Batcher, type ItemResult } from '../src/ingest/batcher.js';
import { isUniqueViolation } from '../src/db/errors.js';
import { queryRunner, sql, type QueryRunner } from '../src/db/sql.js';

const q = {
  claim: sql(import.meta.url, 'claim-send'),
  claims: sql(import.meta.url, 'claim-sends'),
  dataStarted: sql(import.meta.url, 'data-started'),
  markSent: sql(import.meta.url, 'mark-sent'),
};

export interface ClaimWrite {
  id: string;
  items: unknown;
  figures: unknown;
  leaseMs: number;
}

export interface MarkWrite {
  id: string;
  attempt: number;
  messageId: string;
}

export interface SentWrite {
  id: string;
  sentAt: Date;
  messageId: string;
  siblingIds: string[];
}

export interface SendWrites {
  /** The claim's token (its attempts); null when the row was not scheduled. Throws a unique violation when busy. */
  claim(write: ClaimWrite): Promise<number | null>;
  /** True when the row was marked: the claim is still this one's. */
  dataStarted(write: MarkWrite): Promise<boolean>;
  sent(write: SentWrite): Promise<void>;
}

// One set per pool (and so per process): every delivery on that pool shares the batches.
const perPool = new WeakMap<object, SendWrites>();

export function sendWrites(pool: Pick<pg.Pool, 'query'>, prepared: boolean): SendWrites {
  let writes = perPool.get(pool);
  if (!writes) perPool.set(pool, (writes = createSendWrites(queryRunner(pool, prepared))));
  return writes;
}

/** No timer: what one event-loop turn submits, and under load what gathers while the previous batch of a kind runs. */
const BATCH = { maxWaitMs: 0, maxSize: 100, maxInFlight: 1, eager: true };

function createSendWrites(run: QueryRunner): SendWrites {
  const claims = new Batcher((w: ClaimWrite[]) => claimAll(run, w), BATCH);
  const marks = new Batcher((w: MarkWrite[]) => markAll(run, w), BATCH);
  const sends = new Batcher((w: SentWrite[]) => sentAll(run, w), BATCH);
  return {
    claim: (w) => claims.submit(w),
    dataStarted: (w) => marks.submit(w),
    sent: (w) => sends.submit(w),
  };
}

const ok = <O>(value: O): ItemResult<O> => ({ ok: true, value });

/**
 * One statement for the batch. A cross-sell listed twice (a duplicated job) is claimed for its
 * first caller only. A unique violation (another order of one customer's is being sent) fails
 * the statement as a whole: each is then claimed alone, and only the busy one hears of it.
 */
async function claimAll(run: QueryRunner, writes: ClaimWrite[]): Promise<ItemResult<number | null>[]> {
  const first = writes.map((w, i) => writes.findIndex((o) => o.id === w.id) === i);
  const unique = writes.filter((_, i) => first[i]);
  const leaseMs = writes[0]!.leaseMs;
  const body = unique.map((w) => ({ id: w.id, items: w.items, figures: w.figures }));
  try {
    const { rows } = await run<{ id: string; attempts: number }>('claim-sends', q.claims, [
      JSON.stringify(body),
      leaseMs,
    ]);
    const token = new Map(rows.map((r) => [r.id, r.attempts]));
    return writes.map((w, i) => ok(first[i] ? (token.get(w.id) ?? null) : null));
  } catch (err) {
    if (!isUniqueViolation(err) || unique.length === 1) throw err;
    return Promise.all(writes.map((w, i) => (first[i] ? claimOne(run, w) : ok(null))));
  }
}

async function claimOne(run: QueryRunner, w: ClaimWrite): Promise<ItemResult<number | null>> {
  try {
    const args = [JSON.stringify(w.items), JSON.stringify(w.figures), w.leaseMs];
    const { rows } = await run<{ attempts: number }>('claim-send', q.claim, [w.id, ...args]);
    return ok(rows[0]?.attempts ?? null);
  } catch (error) {
    return { ok: false, error };
  }
}

async function markAll(run: QueryRunner, writes: MarkWrite[]): Promise<ItemResult<boolean>[]> {
  const { rows } = await run<{ id: string; attempts: number }>('data-started', q.dataStarted, [JSON.stringify(writes)]);
  const marked = new Set(rows.map((r) => `${r.id}:${r.attempts}`));
  return writes.map((w) => ok(marked.has(`${w.id}:${w.attempt}`)));
}

async function sentAll(run: QueryRunner, writes: SentWrite[]): Promise<ItemResult<void>[]> {
  await run('mark-sent', q.markSent, [JSON.stringify(writes)]);
  return writes.map(() => ok(undefined));
}
