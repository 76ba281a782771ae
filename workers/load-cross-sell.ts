// Loads one cross-sell the way the worker decides and composes it (sql/load-cross-sell.sql): the
// row, its order, the customer, the lines of every order one email serves, and the customer's
// figures and item context. `aftercart preview` loads it the same way.
import type { Config } from '../src/config/schema.js';
import type { RecordedLine, RecordedOrder } from '../src/timing/order-timing.js';
import { figuresWindow, type StoredFigures } from '../src/eligibility/figures.js';
import type { CustomerContext } from '../src/recommend/item-picker-interface.js';
import type pg from 'pg';
import { queryRunner, sql, type QueryRunner } from '../src/db/sql.js';
import { Batcher, type ItemResult } from '../src/ingest/batcher.js';

const loadQuery = sql(import.meta.url, 'load-cross-sell');

export interface LoadedCrossSell extends RecordedOrder {
  id: string;
  store: string;
  orderId: string;
  customerKey: string | null;
  status: string;
  /** An operator pressed "send now": timing is not re-decided. */
  sendNow: boolean;
  currency: string | null;
  email: string | null;
  firstName: string | null;
  locale: string | null;
  siblings: { id: number; orderId: string }[];
  /** customer_figures() with the hash in the customer key (null unless scheduled). */
  figuresByKey: StoredFigures | null;
  /** customer_context() for this customer and these orders (null unless scheduled). */
  itemContext: CustomerContext | null;
  lines: (RecordedLine & { orderId: string; title: string })[];
}

/** The cross-sell as it stands now; undefined when there is none (or no order record). */
export async function loadCrossSell(
  run: QueryRunner,
  crossSellId: string,
  config: Config,
  now: Date,
): Promise<LoadedCrossSell | undefined> {
  const loaded = await run<LoadedCrossSell>('load-cross-sell', loadQuery, [
    [crossSellId],
    ...figuresWindow(config, now),
  ]);
  return loaded.rows[0];
}

interface LoadRequest {
  id: string;
  window: ReturnType<typeof figuresWindow>;
}

type Loader = (crossSellId: string, config: Config, now: Date) => Promise<LoadedCrossSell | undefined>;

// One loader per pool (and so per process): every delivery on that pool shares its batches.
const loaders = new WeakMap<object, Loader>();

/**
 * loadCrossSell() for the worker: the cross-sells its jobs start together (while the previous
 * load is in flight) are read in one statement, one round trip instead of one each; with none
 * in flight, those of one event-loop turn go at its end, with no timer.
 */
export function batchedLoader(pool: Pick<pg.Pool, 'query'>, prepared: boolean): Loader {
  let load = loaders.get(pool);
  if (!load) {
    const run = queryRunner(pool, prepared);
    const batcher = new Batcher((requests: LoadRequest[]) => loadAll(run, requests), {
      maxWaitMs: 0,
      maxSize: 50,
      eager: true,
    });
    load = (id, config, now) => batcher.submit({ id, window: figuresWindow(config, now) });
    loaders.set(pool, load);
  }
  return load;
}

/** Figures read as of a moment up to this far from the one asked for are the same figures. */
const SAME_MOMENT_MS = 1_000;

/** One statement per group of requests with the same figures window (in practice, all of them). */
async function loadAll(run: QueryRunner, requests: LoadRequest[]): Promise<ItemResult<LoadedCrossSell | undefined>[]> {
  const groups: { window: LoadRequest['window']; ids: string[] }[] = [];
  for (const { id, window } of requests) {
    const group = groups.find((g) => sameWindow(g.window, window));
    if (group) group.ids.push(id);
    else groups.push({ window, ids: [id] });
  }
  const found = new Map<string, LoadedCrossSell>();
  for (const { window, ids } of groups) {
    const { rows } = await run<LoadedCrossSell>('load-cross-sell', loadQuery, [ids, ...window]);
    for (const row of rows) found.set(row.id, row);
  }
  return requests.map((r) => ({ ok: true, value: found.get(r.id) }));
}

function sameWindow(a: LoadRequest['window'], b: LoadRequest['window']): boolean {
  const [aNow, bNow] = [a[3].getTime(), b[3].getTime()];
  return Math.abs(aNow - bNow) <= SAME_MOMENT_MS && a.every((v, i) => i === 3 || v === b[i]);
}
