// For tests that run `aftercart` as real processes: where the command is, a free port, and
// starting and stopping one.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const projectRoot = new URL('../../', import.meta.url).pathname;
export const aftercartBin = path.join(projectRoot, 'bin/aftercart.mjs');

/** A loopback port free right now (the OS picks it; closed again before returning). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** An `aftercart` process; `output` keeps what it printed, `running` resolves on its "running" line. */
export function launch(command: string, env: NodeJS.ProcessEnv) {
  const child = spawn('node', [aftercartBin, command], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const running = new Promise<void>((resolve, reject) => {
    const seen = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
      if (output.includes('aftercart running')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`aftercart ${command} exited (${code}): ${output}`)));
  });
  running.catch(() => {});
  return { child, running, output: () => output };
}

export function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** What one process of a multi-process test shares with the others, and what is its own. */
export interface ProcessSetup {
  /** Parent of each process's own data dir (only the database, the queue and the secrets are shared). */
  dir: string;
  configFile: string;
  databaseUrl: string;
  /** Unset: BullMQ's PostgreSQL backend. */
  redisUrl?: string;
  queuePrefix: string;
  port: number;
  /** Secrets, URLs and settings of the test's own (STANDARD_WEBHOOK_SECRET, WORKER_CONCURRENCY, …). */
  extra?: NodeJS.ProcessEnv;
}

const INHERITED = ['PATH', 'HOME', 'LANG', 'TMPDIR'];

/** The environment of the process `name` that mails through `smtpUrl`. */
export function processEnv(setup: ProcessSetup, name: string, smtpUrl: string): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(INHERITED.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    AFTERCART_DATA_DIR: path.join(setup.dir, name),
    AFTERCART_CONFIG: setup.configFile,
    DATABASE_URL: setup.databaseUrl,
    ...(setup.redisUrl ? { REDIS_URL: setup.redisUrl } : {}),
    QUEUE_PREFIX: setup.queuePrefix,
    SMTP_URL: smtpUrl,
    HOST: '127.0.0.1',
    PORT: String(setup.port),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...setup.extra,
  };
}

/** `aftercart migrate` with `env`, then each process launched; resolves once every one is running. */
export async function launchAll(env: NodeJS.ProcessEnv, commands: [command: string, env: NodeJS.ProcessEnv][]) {
  await promisify(execFile)('node', [aftercartBin, 'migrate'], { cwd: projectRoot, env, timeout: 60_000 });
  const procs = commands.map(([command, e]) => launch(command, e));
  await Promise.all(procs.map((p) => p.running));
  return procs;
}

/** SIGKILLs the processes and waits until each has exited. */
export async function killAll(procs: ReturnType<typeof launch>[]): Promise<void> {
  for (const p of procs) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => stopped(p.child)));
}
