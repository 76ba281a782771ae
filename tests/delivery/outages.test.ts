// Outages of any length heal (issue 15, part 3). A TCP proxy stands between the app and
// Postgres or Redis to cut, hang or stall it and bring it back; retry timings are shortened by
// environment variables only, the code paths are those of production.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleProducts, startTestApp, type TestApp } from '../support/app.js';
import {
  freshDatabase,
  missing,
  services,
  sleep,
  startSmtpSink,
  tempDir,
  until,
  type SmtpSink,
} from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { jobIdFor } from '../../src/queue/cross-sell-queue.js';
import { crossSellOf, deliveryConfig, mailTo, orderEvent } from './support.js';

const skip = missing('postgres', 'redis');

/** How long `fn` took, with its result. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = Date.now();
  const value = await fn();
  return { ms: Date.now() - started, value };
}

describe.skipIf(skip)('Postgres down long enough for a due job to spend its attempts', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let smtp: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await startTcpProxy(db.url);
    smtp = await startSmtpSink();
    // 3 attempts 100 ms apart stand in for 8 over four minutes: the same path, shorter.
    app = await startTestApp({
      setup: 'services',
      smtpUrl: smtp.url,
      config: deliveryConfig(),
      env: { DATABASE_URL: proxy.url, JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '100' },
    });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('once it is back the email is sent exactly once, with no one acting', async () => {
    expect((await app.postEvent(orderEvent('OUT-1', { email: 'out1@example.com' }))).status).toBe(200);
    const { id } = (await crossSellOf(app, 'OUT-1'))!;
    proxy.cut('refuse');
    try {
      // Due after 1 s; every attempt finds Postgres gone and the job ends failed.
      const job = await until(async () => {
        const j = await app.queue.queue.getJob(jobIdFor(id));
        return j?.finishedOn ? j : undefined;
      }, 15_000);
      expect(await job.isFailed()).toBe(true);
      expect(job.attemptsMade).toBe(3);
      await sleep(2_500); // the reconciler's passes fail too
    } finally {
      proxy.restore();
    }
    expect((await crossSellOf(app, 'OUT-1'))!.status).toBe('scheduled');
    await smtp.waitFor(1, 20_000);
    await until(async () => (await crossSellOf(app, 'OUT-1'))!.status === 'sent', 10_000);
    // Later passes (and a stray re-schedule of the sent row) find nothing more to send.
    await app.queue.schedule(id, new Date());
    await sleep(3_000);
    expect(mailTo(smtp, 'out1@example.com')).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(skip)('Postgres that accepts connections but never answers', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await startTcpProxy(db.url);
    // DATABASE_TIMEOUT_MS at its default (3 s).
    app = await startTestApp({
      setup: 'services',
      workers: false,
      config: deliveryConfig(),
      env: { DATABASE_URL: proxy.url },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await db?.drop();
  });

  const post = (key: string) =>
    app.postEvent(orderEvent(`HANG-${key}`, { email: `${key}@example.com` }), { id: `msg_${key}` });
  const readyz = () => fetch(`${app.base}/readyz`);

  // 'hang': new connections are accepted and never answered; 'stall': the pool's open
  // connections stop carrying anything (a frozen server, a partition).
  for (const mode of ['hang', 'stall'] as const) {
    it(`${mode}: a webhook and /readyz answer 503 within 5 s, and 200 once it is back`, async () => {
      expect((await post(`${mode}-0`)).status).toBe(200); // the pool has connections open
      proxy.cut(mode);
      try {
        const [hook, ready] = await Promise.all([timed(() => post(`${mode}-1`)), timed(readyz)]);
        expect(hook.value.status).toBe(503);
        expect(hook.ms).toBeLessThan(5_000);
        expect(ready.value.status).toBe(503);
        expect(await ready.value.json()).toMatchObject({ ok: false, database: false });
        expect(ready.ms).toBeLessThan(5_000);
      } finally {
        proxy.restore();
      }
      const retried = await post(`${mode}-1`);
      expect(retried.status).toBe(200);
      expect((await retried.json()).duplicate).toBeFalsy();
      expect((await readyz()).status).toBe(200);
    }, 30_000);
  }
});

describe.skipIf(skip)('`work` started while Redis is unreachable', () => {
  let proxy: TcpProxy;
  let smtp: SmtpSink;
  let receiver: TestApp;
  let worker: ChildProcess | undefined;
  const lines: { msg: string; level: number }[] = [];
  let stderr = '';

  beforeAll(async () => {
    proxy = await startTcpProxy(services().redis!);
    proxy.cut('refuse');
    smtp = await startSmtpSink();
    // The receiver reaches Redis directly; only the worker's way to it is cut.
    receiver = await startTestApp({ setup: 'services', workers: false, config: deliveryConfig() });
    for (const p of sampleProducts()) expect((await receiver.postEvent(p)).status).toBe(200);
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await receiver?.stop();
    await smtp?.close();
    await proxy?.close();
  });

  async function startWorker(): Promise<ChildProcess> {
    const dir = await tempDir();
    const config = path.join(dir, 'aftercart.config.json');
    await writeFile(config, JSON.stringify(deliveryConfig()));
    const { env } = receiver.settings;
    const root = new URL('../../', import.meta.url).pathname;
    const child = spawn('node', [path.join(root, 'bin/aftercart.mjs'), 'work'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AFTERCART_DATA_DIR: dir,
        AFTERCART_CONFIG: config,
        LOG_LEVEL: 'info',
        DATABASE_URL: env.DATABASE_URL,
        REDIS_URL: proxy.url,
        QUEUE_PREFIX: env.QUEUE_PREFIX,
        SMTP_URL: smtp.url,
        LINK_SECRET: env.LINK_SECRET,
        PUBLIC_URL: env.PUBLIC_URL,
      },
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts)
        if (line.startsWith('{')) lines.push(JSON.parse(line) as { msg: string; level: number });
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return child;
  }

  const logged = (text: string) => lines.some((l) => l.msg.includes(text));
  /** The worker's own account, when a wait fails. */
  const explained = (err: Error) => {
    throw new Error(`${err.message}; work logged: ${lines.map((l) => l.msg).join(' | ')} ${stderr}`);
  };

  it('says Redis is unreachable, never "running", and sends once Redis is back', async () => {
    worker = await startWorker();
    await until(async () => logged('Redis unreachable'), 20_000).catch(explained);
    expect(lines.find((l) => l.msg.includes('Redis unreachable'))!.level).toBe(40); // warn
    expect((await receiver.postEvent(orderEvent('REDIS-1', { email: 'redis1@example.com' }))).status).toBe(200);
    await sleep(2_500); // due after 1 s: no worker can take it
    expect(smtp.messages).toHaveLength(0);
    expect(logged('aftercart running')).toBe(false);

    proxy.restore();
    await until(async () => logged('aftercart running'), 15_000).catch(explained);
    await until(async () => (await crossSellOf(receiver, 'REDIS-1'))?.status === 'sent', 20_000).catch(explained);
    expect(mailTo(smtp, 'redis1@example.com')).toHaveLength(1);
  }, 60_000);

  it('a process that serves HTTP says so on /readyz: queue false', async () => {
    const logLines: string[] = [];
    const down = await startTcpProxy(services().redis!);
    down.cut('refuse');
    const app = await startTestApp({
      setup: 'services',
      config: deliveryConfig(),
      logLines,
      env: { LOG_LEVEL: 'warn', REDIS_URL: down.url },
    });
    try {
      const ready = await fetch(`${app.base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, database: true, queue: false });
      await until(async () => logLines.some((l) => l.includes('Redis unreachable')), 5_000);
    } finally {
      await app.stop();
      await down.close();
    }
  }, 30_000);
});
