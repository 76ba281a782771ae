// `aftercart <command>`: the commands of the SPEC. Each command lives in its own module.
import { failureLine, wantsStack } from './failure.js';

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number | void> }>> = {
  start: () => import('./run.js').then((m) => ({ run: (a: string[]) => m.run('start', a) })),
  serve: () => import('./run.js').then((m) => ({ run: (a: string[]) => m.run('serve', a) })),
  work: () => import('./run.js').then((m) => ({ run: (a: string[]) => m.run('work', a) })),
  migrate: () => import('./migrate.js'),
  explain: () => import('./explain.js'),
  demo: () => import('./demo.js'),
  stats: () => import('./stats.js'),
  reschedule: () => import('./reschedule.js'),
  // Imported history feeds the learned co-purchase table straight away.
  import: () =>
    import('./import.js').then((m) => ({
      run: (a: string[]) =>
        m.run(a, {
          afterOrders: async (pool, store) =>
            void (await (await import('../recommend/rebuild.js')).rebuildCoPurchase(pool, store)),
        }),
    })),
  recommend: () => import('./recommend.js'),
  eval: () => import('./eval.js'),
  preview: () => import('./preview.js'),
};

const usage = `usage: aftercart <command>

  start                 migrations, HTTP receiver and workers in one process
  serve | work          receiver only | workers only
  migrate               apply migrations/
  explain ORDER_ID      the decision for one order [--store S] [--json]
  demo                  a self-contained run with signed sample webhooks, in <data dir>/demo
  import catalog FILE   Shopify/WooCommerce product CSV or canonical JSON lines [--store S]
  import codes FILE --store S   bundle codes for a pool (one a line, or CSV with a code column)
  import orders FILE    order history (Online Retail, Shopify orders CSV, JSON lines; .gz) [--store S]
  reschedule            recompute pending due times under the current config [--store S] [--apply] [--json]
  recommend ORDER_ID | --products A,B   item selection as a dry run [--store S] [--json]
  preview ORDER_ID      render the email without sending [--store S] [--out FILE]
  eval FILE             offline evaluation of item selection [--split DATE] [--window 30d] [--k 3] [--json]
  stats                 funnel: received → converted [--json] [--since DATE] [--store S]
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`aftercart: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command = await load();
  return (await command.run(rest)) ?? 0;
}

// --verbose is the CLI's, not a command's: taken out before the command parses its arguments.
const verbose = wantsStack(process.argv);
main(process.argv.slice(2).filter((a) => a !== '--verbose')).then(
  (code) => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`aftercart: ${failureLine(err)}\n`);
    if (verbose) process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
