// Postgres growth: bytes on disk (tables, indexes and TOAST, from pg_total_relation_size) added
// per order received and per email sent, from the sizes before and after a part's work. Raw
// payloads are kept out of line (migration 0004), so the deliveries table's TOAST is their share.
import type pg from 'pg';

type Sizes = Map<string, number>;

/** Every relation of ours (and BullMQ's, when it queues in Postgres), with its indexes and TOAST. */
export async function relationSizes(pool: pg.Pool): Promise<Sizes> {
  const { rows } = await pool.query<{ name: string; bytes: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname IN ('public', 'bullmq') AND c.relname <> 'bench_baseline'
     UNION ALL
     SELECT 'payloads', coalesce(sum(pg_total_relation_size(c.reltoastrelid)), 0)::bigint
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = 'deliveries' AND c.reltoastrelid <> 0`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
}

/** Bytes per unit between two snapshots: in total, without payloads, and the tables that grew most. */
export function growthPer(before: Sizes, after: Sizes, units: number) {
  const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const tables = [...after.keys()].filter((name) => name !== 'payloads');
  const total = tables.reduce((sum, name) => sum + delta(name), 0);
  const per = (bytes: number) => (units > 0 ? Math.round(bytes / units) : 0);
  const largest = tables
    .map((name) => [name, per(delta(name))] as const)
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6);
  return {
    units,
    bytesIncludingPayloads: per(total),
    bytesExcludingPayloads: per(total - delta('payloads')),
    byTable: Object.fromEntries(largest),
  };
}
