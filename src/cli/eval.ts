// aftercart eval FILE [--split DATE] [--window 30d] [--k 3] [--merge-within 1h] [--json]: offline
// hit rate@k of item selection on an order history (any format `import orders` reads), beside
// popularity and plain co-occurrence on the same orders, for the split and for rolling-origin
// validation periods (periods.ts). Without --split the split is taken from the data.
// --model and --weighting (JSON: buildCoPurchase options, history weighting over the defaults)
// run a setting other than the default, as the tried rows of docs/recommendation-validation.md.
// Exit 1 with one line: an unreadable file, a missing column, a split with no training or test orders.
import { parseArgs } from 'node:util';
import {
  evaluateHistory,
  loadPurchases,
  testEnd,
  type EvaluateOptions,
  type EvaluateResult,
  type PurchaseHistory,
} from '../recommend/evaluate.js';
import { isoDay, periodCounts, splitFromData, validationPeriods } from '../recommend/periods.js';
import { mergeSplitCheckouts } from '../import/purchases.js';
import { parseDuration } from '../config/duration.js';
import type { CoPurchaseOptions } from '../recommend/copurchase.js';
import { DEFAULT_WEIGHTING, type HistoryWeighting } from '../recommend/score.js';

const usage =
  'usage: aftercart eval FILE [--split YYYY-MM-DD] [--window 30d] [--k 3] [--merge-within 1h] [--json]' +
  ' [--model JSON] [--weighting JSON]\n';

interface EvalOptions {
  file: string;
  split?: Date;
  windowDays: number;
  window: string;
  k: number;
  mergeWithin?: { text: string; ms: number };
  json: boolean;
  model?: CoPurchaseOptions;
  weighting?: HistoryWeighting;
}

function options(argv: string[]): EvalOptions | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      split: { type: 'string' },
      window: { type: 'string', default: '30d' },
      k: { type: 'string', default: '3' },
      'merge-within': { type: 'string' },
      json: { type: 'boolean' },
      model: { type: 'string' },
      weighting: { type: 'string' },
    },
  });
  const model = jsonObject(values.model);
  const weighting = jsonObject(values.weighting);
  if (model === null || weighting === null) return undefined;
  const split =
    values.split === undefined
      ? undefined
      : new Date(/^\d{4}-\d{2}-\d{2}$/.test(values.split) ? `${values.split}T00:00:00Z` : values.split);
  const windowMs = parseDuration(values.window!);
  const k = Number(values.k);
  const merge = values['merge-within'];
  const mergeMs = merge === undefined ? undefined : parseDuration(merge);
  if (
    !positionals[0] ||
    positionals.length > 1 ||
    (split && Number.isNaN(split.getTime())) ||
    !windowMs ||
    !Number.isInteger(k) ||
    k < 1
  )
    return undefined;
  if (merge !== undefined && !mergeMs) return undefined;
  return {
    file: positionals[0],
    split,
    windowDays: windowMs / 86_400_000,
    window: values.window!,
    k,
    json: values.json ?? false,
    mergeWithin: merge !== undefined ? { text: merge, ms: mergeMs! } : undefined,
    model: model as CoPurchaseOptions | undefined,
    weighting: weighting && { ...DEFAULT_WEIGHTING, ...(weighting as Partial<HistoryWeighting>) },
  };
}

/** A JSON object option: undefined when not given, null when it is not an object. */
function jsonObject(text: string | undefined): object | undefined | null {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** Why the split cannot be evaluated, in one line; undefined when it can. */
function splitProblem(
  data: PurchaseHistory,
  split: Date,
  fromData: boolean,
  end: number,
  file: string,
): string | undefined {
  if (data.invoices.length === 0)
    return `${file} has no purchases (lines with a customer, a positive quantity and a price)`;
  const { train, test } = periodCounts(data.invoices, { split, until: new Date(end) });
  const first = isoDay(data.invoices[0]!.at);
  const named = `split ${isoDay(split)}${fromData ? ' (taken from the data)' : ''}`;
  if (train === 0) return `${named} leaves no training orders (the purchases start ${first}): give a later --split`;
  if (test === 0) {
    return (
      `${named} leaves no test orders (the test period ends ${isoDay(end)}, a window before the last purchase ` +
      `${isoDay(data.last)}; the purchases start ${first}): give an earlier --split or a shorter --window`
    );
  }
  return undefined;
}

export async function run(argv: string[]): Promise<number> {
  let opts: EvalOptions | undefined;
  try {
    opts = options(argv);
  } catch (e) {
    process.stderr.write(`aftercart eval: ${(e as Error).message}\n`);
  }
  if (!opts) {
    process.stderr.write(usage);
    return 2;
  }
  const started = performance.now();
  const data = await loadPurchases(opts.file);
  const end = testEnd(data, opts.windowDays);
  const split = opts.split ?? splitFromData(end);
  const problem = splitProblem(data, split, !opts.split, end, opts.file);
  if (problem) {
    process.stderr.write(`aftercart eval: ${problem}\n`);
    return 1;
  }
  const settings = { windowDays: opts.windowDays, k: opts.k, model: opts.model, weighting: opts.weighting };
  const main = evaluateHistory(data, { ...settings, split });
  const periods = validationPeriods(data.invoices, split, end).map((p) =>
    p.split.getTime() === split.getTime()
      ? { ...p, result: main }
      : { ...p, result: evaluateHistory(data, { ...settings, ...p }) },
  );
  const merged = opts.mergeWithin ? mergedRun(data, opts.mergeWithin.ms, { ...settings, split }) : undefined;
  const report: Report = {
    opts,
    data,
    split,
    end,
    main,
    periods,
    merged,
    seconds: round((performance.now() - started) / 1000, 2),
  };
  process.stdout.write(opts.json ? JSON.stringify(toJson(report)) + '\n' : toText(report));
  return 0;
}

function mergedRun(data: PurchaseHistory, withinMs: number, opts: EvaluateOptions) {
  const invoices = mergeSplitCheckouts(data.invoices, withinMs);
  return { orders: invoices.length, result: evaluateHistory({ ...data, invoices }, opts) };
}

interface Report {
  opts: EvalOptions;
  data: PurchaseHistory;
  split: Date;
  end: number;
  main: EvaluateResult;
  periods: { split: Date; until: Date; result: EvaluateResult }[];
  merged?: { orders: number; result: EvaluateResult };
  seconds: number;
}

const ratio = (a: number, b: number) => round(a / Math.max(b, 1e-9), 2);

function figures(r: EvaluateResult) {
  return {
    testOrders: r.testOrders,
    hits: r.hits,
    hitRate: r.hitRate,
    baseline: r.baseline,
    trainInvoices: r.trainInvoices,
    vsCooccurrence: ratio(r.hitRate, r.baseline.cooccurrence),
  };
}

function toJson({ opts, data, split, end, main, periods, merged, seconds }: Report) {
  return {
    k: main.k,
    ...figures(main),
    seconds,
    format: data.format,
    split: isoDay(split),
    splitFrom: opts.split ? 'option' : 'data',
    testUntil: isoDay(end),
    ...(opts.model && { model: opts.model }),
    ...(opts.weighting && { weighting: opts.weighting }),
    periods: periods.map((p) => ({ trainBefore: isoDay(p.split), testUntil: isoDay(p.until), ...figures(p.result) })),
    ...(merged && {
      merged: {
        within: opts.mergeWithin!.text,
        invoices: data.invoices.length,
        orders: merged.orders,
        ...figures(merged.result),
      },
    }),
  };
}

function toText({ opts, data, split, end, main, periods, merged, seconds }: Report): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const days = `${isoDay(data.invoices[0]!.at)} to ${isoDay(data.last)}`;
  const firstError = data.errors[0];
  const unreadable = firstError
    ? `, ${data.errors.length}${data.errors.length === 100 ? '+' : ''} unreadable rows (first: line ${firstError.line}: ${firstError.error})`
    : '';
  const splitFrom = opts.split ? '' : ' (taken from the data; --split to choose)';
  const line = (name: string, rate: number, hits: number) =>
    `${name.padEnd(17)}hit rate@${main.k} ${pct(rate)} (${hits} hits)`;
  const out = [
    `history          ${opts.file} (${data.format}): ${data.invoices.length} orders, ${days}${unreadable}`,
    `split            ${isoDay(split)}${splitFrom}: test until ${isoDay(end)}, window ${opts.window}`,
    `test orders      ${main.testOrders} (trained on ${main.trainInvoices} orders)`,
    line('aftercart', main.hitRate, main.hits),
    line('co-occurrence', main.baseline.cooccurrence, main.baseline.cooccurrenceHits),
    line('popularity', main.baseline.popularity, main.baseline.popularityHits),
    `ratio            ${ratio(main.hitRate, main.baseline.popularity).toFixed(2)}x popularity, ` +
      `${ratio(main.hitRate, main.baseline.cooccurrence).toFixed(2)}x co-occurrence, ${seconds.toFixed(1)} s`,
    `periods          train before  test until   orders  aftercart  co-occurrence  ratio`,
    ...periods.map(
      ({ split: s, until, result: r }) =>
        `                 ${isoDay(s)}    ${isoDay(until)}  ${String(r.testOrders).padStart(6)}  ` +
        `${pct(r.hitRate).padStart(9)}  ${pct(r.baseline.cooccurrence).padStart(13)}  ` +
        `${ratio(r.hitRate, r.baseline.cooccurrence).toFixed(2)}x`,
    ),
  ];
  if (merged) {
    const r = merged.result;
    out.push(
      `merged within ${opts.mergeWithin!.text}: ${merged.orders} orders from ${data.invoices.length} invoices, ` +
        `${r.testOrders} test orders: hit rate@${r.k} ${pct(r.hitRate)} (${r.hits} hits; ` +
        `co-occurrence ${pct(r.baseline.cooccurrence)}, popularity ${pct(r.baseline.popularity)})`,
    );
  }
  return out.join('\n') + '\n';
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
