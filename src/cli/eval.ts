// aftercart eval FILE [--split DATE] [--window 30d] [--k 3] [--json]: offline hit rate@k of
// item selection on an order history, beside a popularity baseline on the same orders.
import { parseArgs } from 'node:util';
import { evaluate } from '../recommend/evaluate.js';
import { parseDuration } from '../config/duration.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { split: { type: 'string', default: '2011-09-01' }, window: { type: 'string', default: '30d' }, k: { type: 'string', default: '3' }, json: { type: 'boolean' } },
  });
  const file = positionals[0];
  const split = new Date(values.split!);
  const windowMs = parseDuration(values.window!);
  const k = Number(values.k);
  if (!file || Number.isNaN(split.getTime()) || !windowMs || !Number.isInteger(k) || k < 1) {
    process.stderr.write('usage: aftercart eval FILE [--split YYYY-MM-DD] [--window 30d] [--k 3] [--json]\n');
    return 2;
  }
  if (!values.json) process.stderr.write(`evaluating ${file} (train before ${values.split}, window ${values.window}, k ${k})…\n`);
  const r = await evaluate(file, { split, windowDays: windowMs / 86_400_000, k });
  if (values.json) {
    process.stdout.write(JSON.stringify({ k: r.k, testOrders: r.testOrders, hits: r.hits, hitRate: r.hitRate, baseline: r.baseline, seconds: r.seconds, trainInvoices: r.trainInvoices }) + '\n');
  } else {
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    process.stdout.write(
      `test orders      ${r.testOrders} (trained on ${r.trainInvoices} invoices)\n` +
      `aftercart        hit rate@${r.k} ${pct(r.hitRate)} (${r.hits} hits)\n` +
      `popularity       hit rate@${r.k} ${pct(r.baseline.popularity)} (${r.baseline.popularityHits} hits)\n` +
      `ratio            ${(r.hitRate / Math.max(r.baseline.popularity, 1e-9)).toFixed(2)}x popularity, ${r.seconds.toFixed(1)} s\n`,
    );
  }
  return 0;
}
