// Ingest: signed Shopify orders/create (from the shared fixture, one new order id each)
// through `aftercart serve` on real Postgres + Redis, against a bare baseline route doing one
// INSERT and one queue add, both driven by the same load generator in this process (bench/load.ts:
// keep-alive sockets, pre-signed bodies, its own CPU per request reported beside the servers').
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { connectRedis } from '../src/queue/redis-connection.js';
import { QUEUE_NAME } from '../src/queue/cross-sell-queue.js';
import { runLoad, round } from './load.js';
import { benchConfigFile } from './config.js';
import { benchParseLongNumbers } from './parse.js';
import { growthPer, relationSizes } from './growth.js';
import { cpuMsOf, cpuSnapshot, pidsNamed, postgresPidsFor } from './process-cpu.js';
import pg from 'pg';

const FIXTURE = new URL('../../shared/fixtures/webhooks/shopify-orders-create.json', import.meta.url);
const SECRET = 'bench-shopify-secret';

export async function benchIngest(env: { DATABASE_URL: string; REDIS_URL: string }, opts: { seconds: number }) {
  // An open, paid order placed now, as a store sends it: the published sample is a cancelled
  // test order of 2021, whose cross-sells would all be overdue and re-checked by every
  // reconciler pass of the server being measured.
  const placed = new Date().toISOString();
  const template = readFileSync(FIXTURE, 'utf8')
    .replace(/"cancelled_at": "[^"]*"/, '"cancelled_at": null')
    .replace(/"financial_status": "voided"/, '"financial_status": "paid"')
    .replace(/"(created_at|processed_at|updated_at)": "2021-[^"]*"/g, `"$1": "${placed}"`);
  // Timed before the servers start, on a machine not yet busy with them.
  const parseLongNumbers1MiBMs = benchParseLongNumbers(template);
  const idText = /"id": (\d+),/.exec(template)![1]!;
  const run = randomBytes(3).toString('hex');
  let next = BigInt(idText) + BigInt(randomBytes(3).readUIntBE(0, 3)) * 1_000_000n;
  const bodies = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const id = next++;
      const body = Buffer.from(
        template
          .replace(`"id": ${idText},`, `"id": ${id},`)
          .replace(/"email": "[^"]*"/, `"email": "b${run}${id}@example.com"`),
      );
      return {
        path: '/webhooks/shopify',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-shop-domain': `bench-${run}.myshopify.com`,
          'x-shopify-webhook-id': `${run}-${id}`,
          'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64'),
        },
        body,
      };
    });

  // Queues of their own, emptied afterwards: the delayed jobs of every run would otherwise pile
  // up in Redis (hundreds of thousands of keys) and slow the runs after it.
  const prefixes = { server: `{bi${run}}`, baseline: `{bb${run}}` };
  // BENCH_PROFILE_DIR=dir writes the server's CPU profile there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const server = await startChild(
    spawn('node', [...profile, new URL('../bin/aftercart.mjs', import.meta.url).pathname, 'serve'], {
      env: {
        ...process.env,
        ...env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SHOPIFY_WEBHOOK_SECRET: SECRET,
        AFTERCART_CONFIG: benchConfigFile('1h'),
        QUEUE_PREFIX: prefixes.server,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const baseline = await startChild(
    fork(new URL('./baseline-server.ts', import.meta.url).pathname, [], {
      env: { ...process.env, ...env, PORT: '0', QUEUE_PREFIX: prefixes.baseline },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    }),
    true,
  );
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    const sizesBefore = await relationSizes(pool);
    const total = Math.round(opts.seconds * 3_500);
    const warm = bodies(2_000);
    await runLoad({ port: server.port, next: (i) => warm[i]!, total: warm.length, concurrency: 16 });
    const list = bodies(total);
    const serverCpu = cpuOf(server.child);
    const services = servicesCpu(env.DATABASE_URL);
    const sustained = await runLoad({ port: server.port, next: (i) => list[i]!, total, concurrency: 32 });
    const serverCpuMsPerRequest = serverCpu.perRequest(total);
    const servicesCpuMsPerRequest = services.perRequest(total);
    const pacedRun = async (rate: number) => {
      const paced = bodies(rate * Math.min(opts.seconds, 5));
      const next = (i: number) => paced[i]!;
      return runLoad({ port: server.port, next, total: paced.length, concurrency: 64, rate });
    };
    const at500 = await pacedRun(500);
    const at1000 = await pacedRun(1_000);
    // Every order the server took, on disk: its rows in each table, indexes and the raw payload.
    const orders =
      warm.length + total + at500.requests + at1000.requests - sustained.errors - at500.errors - at1000.errors;
    const postgresPerOrder = growthPer(sizesBefore, await relationSizes(pool), orders);
    const baseBody = { path: '/baseline', headers: { 'content-type': 'application/json' }, body: list[0]!.body };
    await runLoad({ port: baseline.port, next: () => baseBody, total: 2_000, concurrency: 16 });
    const baselineCpu = cpuOf(baseline.child);
    const baselineServices = servicesCpu(env.DATABASE_URL);
    const base = await runLoad({ port: baseline.port, next: () => baseBody, total, concurrency: 32 });
    const baselineCpuMsPerRequest = baselineCpu.perRequest(total);
    const baselineServicesCpuMsPerRequest = baselineServices.perRequest(total);
    return {
      webhooksPerSec: sustained.perSec,
      p50Ms: sustained.p50Ms,
      p99Ms: sustained.p99Ms,
      errors: sustained.errors + at500.errors + at1000.errors,
      at500PerSec: { p50Ms: at500.p50Ms, p99Ms: at500.p99Ms },
      at1000PerSec: { p50Ms: at1000.p50Ms, p99Ms: at1000.p99Ms },
      baselinePerSec: base.perSec,
      ratioToBaseline: round(sustained.perSec / base.perSec),
      // CPU per request of each process in the sustained runs: the generator shares the cores.
      cpuMsPerRequest: {
        generator: sustained.cpuMsPerRequest,
        server: serverCpuMsPerRequest,
        ...servicesCpuMsPerRequest,
        generatorOnBaseline: base.cpuMsPerRequest,
        baseline: baselineCpuMsPerRequest,
        baselineServices: baselineServicesCpuMsPerRequest,
      },
      parseLongNumbers1MiBMs,
      postgresPerOrder,
    };
  } finally {
    await pool.end();
    server.child.kill('SIGTERM');
    baseline.child.kill('SIGTERM');
    const connection = connectRedis(env.REDIS_URL, { maxRetriesPerRequest: null });
    for (const [name, prefix] of [
      [QUEUE_NAME, prefixes.server],
      ['bench-baseline', prefixes.baseline],
    ] as const) {
      const queue = new Queue(name, { connection, prefix });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
    connection.disconnect();
  }
}

/** A child's CPU from now on, per request of the run that follows. */
function cpuOf(child: ChildProcess): { perRequest(requests: number): number } {
  const at = cpuMsOf(child.pid!);
  return { perRequest: (requests) => round((cpuMsOf(child.pid!) - at) / requests, 3) };
}

/** Postgres's (for the bench database) and Redis's CPU from now on, per request. */
function servicesCpu(databaseUrl: string): { perRequest(requests: number): Record<string, number> } {
  const database = new URL(databaseUrl).pathname.slice(1);
  const snapshot = cpuSnapshot({ postgres: () => postgresPidsFor(database), redis: () => pidsNamed('redis-server') });
  return {
    perRequest: (requests) =>
      Object.fromEntries(Object.entries(snapshot.since()).map(([k, ms]) => [k, round(ms / requests, 3)])),
  };
}

/** Starts a server process and waits for the port it listens on. */
async function startChild(child: ChildProcess, ipc = false): Promise<{ child: ChildProcess; port: number }> {
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
    const done = (p: number) => (clearTimeout(timer), resolve(p));
    if (ipc) child.on('message', (m: { address?: string }) => m.address && done(Number(new URL(m.address).port)));
    child.stdout?.on('data', (d: Buffer) => {
      const m = /"address":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(d.toString());
      if (m) done(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  // `serve` opens the database after it listens: wait until it is ready.
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status !== 503,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port };
}
