// A crashed worker loses no email and sends none twice. One receiver and two workers as separate
// processes on Postgres + Redis (and again on a 3-master Redis Cluster) + a real SMTP sink; one
// worker is SIGKILLed while its emails are in flight. A claim whose DATA had not begun is sent by
// the other worker (BullMQ hands it the stalled job once the lock and the claim's lease run out);
// one whose DATA had begun is ambiguous and ends failed/interrupted. And a server that reads the
// whole message and closes the connection without an answer gets one copy, never a retry's second.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { EVENTS_SECRET, postEvent, sampleProducts, type TestApp } from '../support/app.js';
import {
  freshDatabase,
  missing,
  services,
  sleep,
  startSmtpSink,
  tempDir,
  uniquePrefix,
  until,
  type SmtpSink,
} from '../support/services.js';
import { crossSellOf, deliveryConfig, orderEvent, PUBLIC_URL, settled, storeSuite } from './support.js';
import { freePort, killAll, launch, launchAll, processEnv, stopped, type ProcessSetup } from '../support/processes.js';

const skip = missing('postgres', 'redis');
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const ORDERS = 120;
// A short job lock and stalled check (30 s each by default): the dead worker's jobs go to the
// other within seconds. The claim's lease (0.4 of the lock, 8 s) still outlasts a claim's wait
// for one of two SMTP connections (ten jobs, a second each), as at the default lock.
const LOCK_MS = 20_000;
const STALLED_MS = 2_000;

interface Row {
  order_id: string;
  status: string;
  reason: string | null;
  attempts: number;
  email: string;
}

// The same crash on one Redis and on a Redis Cluster (REDIS_URL redis+cluster://…).
const queues = [
  { on: 'Redis', needs: ['postgres', 'redis'], url: () => services().redis! },
  { on: 'a 3-master Redis Cluster', needs: ['postgres', 'redisCluster'], url: () => services().redisCluster! },
] as const;

for (const queue of queues)
  describe.skipIf(missing(...queue.needs))(
    `a worker SIGKILLed while emails flow (receiver + two workers as processes, on ${queue.on})`,
    () => {
      // One SMTP sink per worker: the victim's tells which of its messages were inside DATA.
      let victimSmtp: SmtpSink;
      let otherSmtp: SmtpSink;
      let db: Awaited<ReturnType<typeof freshDatabase>>;
      let pool: pg.Pool;
      let base: string;
      const procs: ReturnType<typeof launch>[] = [];

      beforeAll(async () => {
        [victimSmtp, otherSmtp] = await Promise.all([startSmtpSink(), startSmtpSink()]);
        db = await freshDatabase();
        pool = new pg.Pool({ connectionString: db.url, max: 2 });
        const dir = await tempDir();
        // Two connections per worker: most of a worker's ten jobs hold a claim, waiting for one.
        const configFile = path.join(dir, 'aftercart.config.json');
        await writeFile(configFile, JSON.stringify(deliveryConfig({ mail: { maxConnections: 2 } })));
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
            ADMIN_TOKEN,
            PUBLIC_URL,
            WORKER_CONCURRENCY: '10',
            QUEUE_LOCK_MS: String(LOCK_MS),
            QUEUE_STALLED_INTERVAL_MS: String(STALLED_MS),
          },
        };
        const env = (name: string, smtp: SmtpSink) => processEnv(setup, name, smtp.url);
        procs.push(
          ...(await launchAll(env('migrate', otherSmtp), [
            ['serve', env('receiver', otherSmtp)],
            ['work', env('victim', victimSmtp)],
            ['work', env('other', otherSmtp)],
          ])),
        );
        base = `http://127.0.0.1:${setup.port}`;
        for (const p of sampleProducts()) expect((await postEvent(base, p)).status).toBe(200);
      }, 90_000);

      afterAll(async () => {
        await killAll(procs);
        await pool?.end();
        await victimSmtp?.close();
        await otherSmtp?.close();
        await db?.drop();
      });

      const rows = async (where = 'true', values: unknown[] = []) =>
        (
          await pool.query<Row>(
            `SELECT x.order_id, x.status, x.reason, x.attempts, c.email FROM cross_sells x JOIN customers c USING (store, customer_key) WHERE ${where} ORDER BY x.id`,
            values,
          )
        ).rows;
      const copiesTo = (email: string) =>
        [victimSmtp, otherSmtp].flatMap((s) => s.envelopes).filter((e) => e.rcptTo.includes(email)).length;

      it('every order gets exactly one email, except those whose DATA had begun at the kill: failed/interrupted, never twice', async () => {
        victimSmtp.holdMs = otherSmtp.holdMs = 1_000; // each message stays inside DATA for a second
        for (let i = 0; i < ORDERS; i += 10) {
          const batch = Array.from({ length: 10 }, (_, k) =>
            orderEvent(`K${i + k}`, { email: `k${i + k}@example.com` }),
          );
          const answers = await Promise.all(batch.map((e) => postEvent(base, e)));
          expect(
            answers.map((r) => r.status),
            procs[0]!.output().slice(-3_000),
          ).toEqual(Array(10).fill(200));
        }
        // Kill the victim while one of its messages is inside DATA, past the mark on its row, and it
        // holds a claim whose DATA has not begun: more such claims than the other worker's ten jobs.
        await until(
          async () => {
            const inside = victimSmtp.insideData().flat();
            return (
              inside.length > 0 &&
              (await rows(`c.email = ANY($1) AND x.status = 'sending' AND x.data_started_at IS NOT NULL`, [inside]))
                .length > 0 &&
              (await rows(`x.status = 'sending' AND x.data_started_at IS NULL`)).length > 10
            );
          },
          30_000,
          20,
        );
        const victim = procs[1]!;
        victim.child.kill('SIGKILL');
        const killedAt = Date.now();
        await stopped(victim.child);
        otherSmtp.holdMs = 0;

        // Nothing stays scheduled or sending: the stalled jobs are retried, the ambiguous sends failed
        // (the reconciler's sending timeout is the lock plus the stalled check, src/queue/timings.ts).
        const final = await until(
          async () => {
            const all = await rows();
            return all.length === ORDERS && all.every((r) => r.status === 'sent' || r.status === 'failed')
              ? all
              : undefined;
          },
          100_000,
          500,
        );
        expect(Date.now() - killedAt).toBeLessThan(2 * (LOCK_MS + STALLED_MS));
        await sleep(3_000); // any late second copy would arrive now

        // DATA had begun: cut off by the kill, or accepted by the server just before it while the
        // worker died before recording the send (the ambiguous case that ends interrupted too).
        const inDataAtKill = new Set([
          ...victimSmtp.interrupted.flatMap((m) => m.rcptTo),
          ...victimSmtp.envelopes.flatMap((e) => e.rcptTo),
        ]);
        for (const row of final) {
          if (row.status === 'sent') {
            expect(copiesTo(row.email), `order ${row.order_id}`).toBe(1);
          } else {
            expect(row, `order ${row.order_id}`).toMatchObject({ status: 'failed', reason: 'interrupted' });
            // Its DATA had begun when the worker died: the server may or may not have kept it.
            expect(inDataAtKill.has(row.email), `order ${row.order_id}`).toBe(true);
            expect(copiesTo(row.email)).toBeLessThanOrEqual(1);
          }
        }
        const interrupted = final.filter((r) => r.status === 'failed');
        expect(interrupted.length).toBeGreaterThan(0);
        // Claims of the dead worker whose DATA never began were taken over and sent once.
        expect(final.filter((r) => r.status === 'sent' && r.attempts >= 2).length).toBeGreaterThan(0);

        // The admin lists them among the failures, and shows what is known (the Message-ID given to the server).
        const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const stats = (await (await fetch(`${base}/admin/api/stats`, { headers: auth })).json()) as {
          recentFailures: { orderId: string; reason: string }[];
        };
        for (const row of interrupted)
          expect(stats.recentFailures).toContainEqual(
            expect.objectContaining({ orderId: row.order_id, reason: 'interrupted' }),
          );
        const explained = await (
          await fetch(`${base}/admin/api/orders/${interrupted[0]!.order_id}`, { headers: auth })
        ).json();
        expect(explained).toMatchObject({
          status: 'failed',
          reason: 'interrupted',
          messageId: expect.stringMatching(/^<xs-\d+\./),
        });
      }, 200_000);
    },
  );

describe.skipIf(skip)('a server that reads the whole message and closes the connection without an answer', () => {
  let app: TestApp;
  let smtp: SmtpSink;

  // A short first back-off (2 s by default): a retry, if there were one, would come within a second.
  storeSuite(
    (a, s) => {
      app = a;
      smtp = s;
    },
    { env: { JOB_BACKOFF_MS: '300' } },
  );

  it('one copy, the send failed as unanswered, never retried into a second copy', async () => {
    smtp.dropNext(1);
    expect((await app.postEvent(orderEvent('K900', { email: 'drop@example.com' }))).status).toBe(200);
    const row = await settled(app, 'K900', ['sent', 'failed', 'skipped'], 10_000);
    expect(row).toMatchObject({ status: 'failed', reason: 'smtp_no_answer', attempts: 1 });
    expect(smtp.interrupted).toEqual([{ rcptTo: ['drop@example.com'] }]);
    await sleep(1_500); // past the job's first back-off (300 ms): a retry would have sent by now
    expect(smtp.envelopes.filter((e) => e.rcptTo.includes('drop@example.com'))).toHaveLength(1);
    expect(await crossSellOf(app, 'K900')).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
