// mail.rateLimit holds across worker processes: a provider's limit does not double with a second
// `aftercart work`. Two worker processes (`start` and `work`, each with its own SMTP sink) share
// one queue with a limit of 10/s, on Redis and on BullMQ's PostgreSQL backend; 100 emails come
// due at once, and the sinks together see about 10 s of sending, never more than 10 in a second.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { EVENTS_SECRET, postEvent, sampleProducts } from '../support/app.js';
import {
  freshDatabase,
  missing,
  services,
  startSmtpSink,
  tempDir,
  uniquePrefix,
  until,
  type SmtpSink,
} from '../support/services.js';
import { freePort, killAll, launch, launchAll, processEnv, type ProcessSetup } from '../support/processes.js';
import { deliveryConfig, orderEvent, PUBLIC_URL } from './support.js';

const EMAILS = 100;
const LIMIT = 10;

const queues = [
  { on: 'Redis', needs: ['postgres', 'redis'], url: () => services().redis! },
  { on: 'the PostgreSQL queue backend', needs: ['postgres'], url: () => undefined },
] as const;

for (const queue of queues)
  describe.skipIf(missing(...queue.needs))(
    `a rate limit of ${LIMIT}/s shared by two worker processes, on ${queue.on}`,
    () => {
      let sinks: SmtpSink[];
      let db: Awaited<ReturnType<typeof freshDatabase>>;
      let pool: pg.Pool;
      let base: string;
      const procs: ReturnType<typeof launch>[] = [];

      beforeAll(async () => {
        sinks = await Promise.all([startSmtpSink(), startSmtpSink()]);
        db = await freshDatabase();
        pool = new pg.Pool({ connectionString: db.url, max: 2 });
        const dir = await tempDir();
        const configFile = path.join(dir, 'aftercart.config.json');
        // Due 4 s after the order: all 100 are posted before the first comes due.
        await writeFile(
          configFile,
          JSON.stringify(
            deliveryConfig({
              timing: {
                default: { after: 'order', delay: '4s' },
                quietHours: false,
                frequencyCap: { max: 100, per: '1d' },
              },
              mail: { rateLimit: LIMIT, rateDelta: '1s' },
            }),
          ),
        );
        const setup: ProcessSetup = {
          dir,
          configFile,
          databaseUrl: db.url,
          redisUrl: queue.url(),
          queuePrefix: uniquePrefix(),
          port: await freePort(),
          extra: {
            STANDARD_WEBHOOK_SECRET: EVENTS_SECRET,
            LINK_SECRET: 'test-link-secret-0123456789',
            PUBLIC_URL,
            WORKER_CONCURRENCY: '10',
          },
        };
        const env = (name: string, smtp: SmtpSink) => processEnv(setup, name, smtp.url);
        // `start` receives and works; `work` only works: two worker processes on one queue.
        procs.push(
          ...(await launchAll(env('migrate', sinks[0]!), [
            ['start', env('first', sinks[0]!)],
            ['work', env('second', sinks[1]!)],
          ])),
        );
        base = `http://127.0.0.1:${setup.port}`;
        for (const p of sampleProducts()) expect((await postEvent(base, p)).status).toBe(200);
      }, 90_000);

      afterAll(async () => {
        await killAll(procs);
        await pool?.end();
        await Promise.all((sinks ?? []).map((s) => s.close()));
        await db?.drop();
      });

      it(`${EMAILS} due emails take about ${EMAILS / LIMIT} s, never more than ${LIMIT} in any second at the SMTP servers`, async () => {
        for (let i = 0; i < EMAILS; i += 10) {
          const batch = Array.from({ length: 10 }, (_, k) =>
            orderEvent(`R${i + k}`, { email: `r${i + k}@example.com` }),
          );
          const answers = await Promise.all(batch.map((e) => postEvent(base, e)));
          expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
        }
        await until(async () => sinks[0]!.arrivals.length + sinks[1]!.arrivals.length >= EMAILS, 60_000, 100);
        const arrivals = sinks.flatMap((s) => s.arrivals).sort((a, b) => a - b);
        expect(arrivals).toHaveLength(EMAILS);
        // Both processes sent: the limit is shared, not one worker doing all the work.
        for (const sink of sinks) expect(sink.arrivals.length).toBeGreaterThan(0);
        // Any 11 consecutive arrivals span at least a second: no one-second window holds more than 10.
        const tightest = Math.min(...arrivals.slice(LIMIT).map((t, i) => t - arrivals[i]!));
        expect(tightest).toBeGreaterThanOrEqual(1_000);
        const span = arrivals[arrivals.length - 1]! - arrivals[0]!;
        const gaps = arrivals
          .slice(1)
          .map((t, i) => t - arrivals[i]!)
          .sort((a, b) => a - b);
        const seen = `gaps p50 ${gaps[49]} ms, p90 ${gaps[89]} ms, max ${gaps[98]} ms; per sink ${sinks.map((s) => s.arrivals.length)}`;
        // The limit holds across both processes (one limit each would finish in about half the time).
        // How close the pace comes to the limit is a speed figure for the bench, not for this test.
        expect(span, seen).toBeGreaterThanOrEqual(((EMAILS - 1) / LIMIT) * 1_000 - 500);
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM cross_sells WHERE status = 'sent'`,
        );
        expect(rows[0]!.n).toBe(EMAILS);
      }, 120_000);
    },
  );
