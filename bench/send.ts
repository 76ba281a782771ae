// Send: end-to-end emails/s from due jobs to SMTP acceptance by one `aftercart work` process
// against a local SMTP server, with render-only and send-only (the production mailer sending a
// rendered email, nothing else) throughput measured in the same run: together they bound what
// one thread that renders and sends can reach, whatever the queue and database cost.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { openQueue, jobIdFor } from '../src/queue/cross-sell-queue.js';
import { renderCrossSell, warmUpRenderer } from '../src/mail/render.js';
import { createMailer } from '../src/mail/transport.js';
import { parseConfig } from '../src/config/load.js';
import CrossSell from '../emails/CrossSell.js';
import { round } from './load.js';
import { benchConfigFile } from './config.js';
import { cpuSnapshot, pidsNamed, postgresPidsFor, syscallsOf } from './process-cpu.js';
import { growthPer, relationSizes } from './growth.js';
import { customerKey } from '../src/domain/customer-key.js';

export async function benchSend(env: { DATABASE_URL: string; REDIS_URL: string }, opts: { emails: number }) {
  const renders = await renderOnly(3);
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  await migrate(pool);
  const store = `bench-send-${randomBytes(3).toString('hex')}`;
  const ids = await seed(pool, store, opts.emails);
  const sink = fork(new URL('./smtp-sink.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) => sink.once('message', (m: { port: number }) => resolve(m.port)));
  // The SMTP leg alone, before the worker starts: bounds what any pipeline around it can reach.
  const smtpOnly = await sendOnly(`smtp://127.0.0.1:${port}`, 3_000);
  const prefix = `{bench${randomBytes(3).toString('hex')}}`;
  const queue = await openQueue({
    redisUrl: env.REDIS_URL,
    prefix,
    db: { pool, url: env.DATABASE_URL, embedded: false, close: async () => {} },
  });
  const sizesBefore = await relationSizes(pool);
  await queue.queue.addBulk(
    ids.map((id) => ({
      name: 'deliver',
      data: { crossSellId: id },
      opts: { jobId: jobIdFor(id), removeOnComplete: true, attempts: 3 },
    })),
  );
  // BENCH_PROFILE_DIR=dir writes the worker's CPU profile there (open it in Chrome DevTools);
  // BENCH_CONCURRENCY sets the worker's WORKER_CONCURRENCY (20 by default).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  // BENCH_WORKER_FLAGS: node flags for the worker alone (e.g. a V8 heap setting to compare).
  const flags = process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [];
  const worker = spawn(
    'node',
    [...profile, ...flags, new URL('../bin/aftercart.mjs', import.meta.url).pathname, 'work'],
    {
      env: {
        ...process.env,
        ...env,
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '20',
        AFTERCART_CONFIG: benchConfigFile(),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  try {
    const deadline = Date.now() + 180_000;
    let sent = 0;
    // CPU per email of each process, counted from the first email sent (start-up excluded).
    let cpu:
      | {
          sent: number;
          snapshot: ReturnType<typeof cpuSnapshot>;
          syscalls: ReturnType<typeof syscallsOf>;
          commits: number;
        }
      | undefined;
    while (Date.now() < deadline) {
      sent = (
        await pool.query(`SELECT count(*)::int AS n FROM cross_sells WHERE store = $1 AND status = 'sent'`, [store])
      ).rows[0].n;
      if (sent >= ids.length) break;
      if (!cpu && sent > 0) {
        cpu = {
          sent,
          snapshot: cpuSnapshot({
            worker: () => [worker.pid!],
            postgres: () => postgresPidsFor(new URL(env.DATABASE_URL).pathname.slice(1)),
            redis: () => pidsNamed('redis-server'),
            smtpServer: () => [sink.pid!],
          }),
          syscalls: syscallsOf(worker.pid!),
          commits: await commitsOf(pool),
        };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const used = cpu?.snapshot.since();
    const workerSyscallsPerEmail = syscallsPer(cpu?.syscalls, syscallsOf(worker.pid!), sent - (cpu?.sent ?? 0));
    // Statements outside a transaction each commit: about the statements per email (stats lag ~1 s).
    await new Promise((r) => setTimeout(r, 1_000));
    const postgresCommitsPerEmail =
      cpu && sent > cpu.sent ? round(((await commitsOf(pool)) - cpu.commits) / (sent - cpu.sent), 2) : undefined;
    const cpuMsPerEmail =
      used && sent > cpu!.sent ? perEmail({ ...used, total: sum(Object.values(used)) }, sent - cpu!.sent) : undefined;
    const { rows } = await pool.query(
      `SELECT extract(epoch FROM max(sent_at) - min(sent_at))::float AS span, count(*)::int AS n,
              count(*) FILTER (WHERE status <> 'sent')::int AS unsent
         FROM cross_sells WHERE store = $1`,
      [store],
    );
    const sentCount = rows[0].n - rows[0].unsent;
    // What sending adds on disk: the outcome written on each cross-sell (a new row version).
    const postgresPerSentEmail = growthPer(sizesBefore, await relationSizes(pool), sentCount);
    const emailsPerSec = sentCount > 1 ? Math.round((sentCount - 1) / Math.max(rows[0].span, 0.001)) : 0;
    // One thread that must render and send each email can do at most this many per second.
    const renderPlusSendPerSec = Math.round(1000 / (1000 / renders.perSec + smtpOnly.cpuMsPerEmail));
    return {
      emails: rows[0].n,
      unsent: rows[0].unsent,
      emailsPerSec,
      renderP50Ms: renders.p50Ms,
      renderOnlyPerSec: renders.perSec,
      ratioToRenderOnly: round(emailsPerSec / renders.perSec),
      sendOnlyPerSec: smtpOnly.perSec,
      sendOnlyCpuMsPerEmail: smtpOnly.cpuMsPerEmail,
      renderPlusSendPerSec,
      ratioToRenderPlusSend: round(emailsPerSec / renderPlusSendPerSec),
      cpuMsPerEmail,
      workerSyscallsPerEmail,
      postgresCommitsPerEmail,
      postgresPerSentEmail,
    };
  } finally {
    // The worker goes first: a sink gone under its pooled connections would fail sends in flight.
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    sink.kill('SIGTERM');
    await queue.queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await pool.end();
  }
}

// Socket reads and writes are system calls, each a few µs of CPU for both ends of the connection.
function syscallsPer(before: ReturnType<typeof syscallsOf>, after: ReturnType<typeof syscallsOf>, emails: number) {
  if (!before || !after || emails <= 0) return undefined;
  return {
    reads: round((after.reads - before.reads) / emails, 2),
    writes: round((after.writes - before.writes) / emails, 2),
  };
}

const commitsOf = async (pool: pg.Pool) =>
  Number(
    (await pool.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0]
      .xact_commit,
  );

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const perEmail = (ms: Record<string, number>, emails: number) =>
  Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v / emails, 2)]));

/** Renders the template's preview email (HTML + text) for `seconds`, one at a time. */
async function renderOnly(seconds: number) {
  await warmUpRenderer();
  const props = CrossSell.PreviewProps;
  for (let i = 0; i < 200; i++) await renderCrossSell(props);
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < end) {
    const t0 = performance.now();
    await renderCrossSell(props);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    perSec: Math.round(times.length / ((performance.now() - started) / 1000)),
    p50Ms: round(times[Math.floor(times.length / 2)]!, 3),
  };
}

/**
 * Sends the rendered preview email `n` times through the production mailer (pooled nodemailer,
 * default pool size), 20 at a time as the worker does: no queue, no database, no rendering.
 */
async function sendOnly(smtpUrl: string, n: number) {
  const mailer = createMailer({
    smtpUrl,
    outboxDir: '',
    maxConnections: parseConfig({}).mail.maxConnections,
    rateDeltaMs: 1000,
  });
  const mail = await renderCrossSell(CrossSell.PreviewProps);
  let next = 0;
  const email = (i: number) => ({
    from: 'Pixel Arcade <hello@pixelarcade.example>',
    to: `buyer${i}@example.com`,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: `<bench-${i}@pixelarcade.example>`,
    unsubscribeUrl: 'https://mail.pixelarcade.example/u/x.y',
    unsubscribeMailto: 'mailto:hello@pixelarcade.example?subject=unsubscribe',
  });
  const run = async (count: number) => {
    const end = next + count;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < end) await mailer.send(email(next++));
      }),
    );
  };
  try {
    await run(1_000); // connections open, JIT warm
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run(n);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { perSec: Math.round(n / (ms / 1000)), cpuMsPerEmail: round((cpu.user + cpu.system) / 1000 / n, 2) };
  } finally {
    mailer.close();
  }
}

/** A store with a console and three complements, and `n` due cross-sells of consenting customers. */
async function seed(pool: pg.Pool, store: string, n: number): Promise<string[]> {
  await pool.query(
    `INSERT INTO products (store, product_id, title, product_type, price, currency, url, image_url, complements)
     VALUES ($1, 'P1', 'Console X', 'Video Game Console', 399, 'USD', 'https://shop.example/p/1', 'https://shop.example/i/1.png', '[{"id":"P3","required":true},{"id":"P2"},{"id":"P4"}]'),
            ($1, 'P2', 'Space Quest', 'Video Game', 59.99, 'USD', 'https://shop.example/p/2', 'https://shop.example/i/2.png', '[]'),
            ($1, 'P3', 'HDMI 2.1 Cable', 'Cable', 19.99, 'USD', 'https://shop.example/p/3', 'https://shop.example/i/3.png', '[]'),
            ($1, 'P4', 'Pro Controller', 'Controller', 69.99, 'USD', 'https://shop.example/p/4', 'https://shop.example/i/4.png', '[]')`,
    [store],
  );
  // Keys as ingest makes them, keyed with the install's secret (src/domain/customer-key.ts): the
  // worker then reads each customer's figures with its cross-sell, as it does for real orders.
  const keys = Array.from({ length: n }, (_, i) => customerKey({ email: `buyer${i + 1}@example.com` })!);
  await pool.query(
    `WITH n AS (SELECT g, ($3::text[])[g] AS key FROM generate_series(1, $2::int) g),
     c AS (INSERT INTO customers (store, customer_key, email, first_name, locale, marketing_consent)
           SELECT $1, key, 'buyer' || g || '@example.com', 'Buyer', 'en-US', true FROM n),
     o AS (INSERT INTO orders (store, order_id, customer_key, created_at, currency, shipping_country, total)
           SELECT $1, 'O' || g, key, now() - interval '1 hour', 'USD', 'US', 399 FROM n),
     l AS (INSERT INTO order_lines (store, order_id, line_no, product_id, title, product_type, quantity, unit_price)
           SELECT $1, 'O' || g, 1, 'P1', 'Console X', 'Video Game Console', 1, 399 FROM n)
     INSERT INTO cross_sells (store, order_id, customer_key, status, due_at)
     SELECT $1, 'O' || g, key, 'scheduled', now() - interval '1 minute' FROM n`,
    [store, n, keys],
  );
  // A store in steady state has planner statistics; a bulk seed must refresh them.
  await pool.query('ANALYZE customers, orders, order_lines, cross_sells, products');
  const { rows } = await pool.query(`SELECT id FROM cross_sells WHERE store = $1 ORDER BY id`, [store]);
  return rows.map((r) => String(r.id));
}
