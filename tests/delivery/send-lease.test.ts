// What a crashed worker's claim becomes, run step by step (workers/deliver.ts, the reconciler):
// a claim whose DATA never began is taken over once its lease ran out, and sent once; one whose
// DATA began is never sent again and fails as interrupted after a minute; a worker whose claim
// was taken over meanwhile hands nothing to the server.
import { describe, expect, it } from 'vitest';
import { missing, until } from '../support/services.js';
import { Reconciler } from '../../src/queue/reconciler.js';
import type { Mailer } from '../../src/mail/transport.js';
import { deliver } from '../../workers/deliver.js';
import { crossSellOf, deliverySuite, mailTo, noPostpone } from './support.js';

describe.skipIf(missing('postgres', 'redis'))("a crashed worker's claim", () => {
  const suite = deliverySuite();
  const { dueCrossSell } = suite;
  const postpone = noPostpone;

  /** The row as a worker that claimed it and died left it; times in seconds from now. */
  const deadClaim = (id: string, o: { leaseIn: number; dataBegan?: number }) =>
    suite.app.db.pool.query(
      `UPDATE cross_sells SET status = 'sending', attempts = attempts + 1, lease_until = now() + make_interval(secs => $2),
            data_started_at = now() + make_interval(secs => $3), message_id = CASE WHEN $3::float8 IS NULL THEN NULL ELSE '<xs-dead@shop.example>' END
      WHERE id = $1`,
      [id, o.leaseIn, o.dataBegan ?? null],
    );
  const reconcile = () =>
    new Reconciler({
      pool: suite.app.db.pool,
      queue: suite.app.queue,
      log: suite.app.log,
      expireAfterMs: () => 86_400_000,
    }).pass();

  it('before DATA: left alone while its lease stands, then taken over and sent once', async () => {
    const id = await dueCrossSell('8101', 'ona@example.com');
    await deadClaim(id, { leaseIn: 10 });
    // A job meeting a live claim (a duplicate, or a worker still at it) sends nothing.
    expect(await deliver(suite.deps, id, postpone)).toBe('already');
    expect(await crossSellOf(suite.app, '8101')).toMatchObject({ status: 'sending', attempts: 1 });

    await suite.app.db.pool.query(`UPDATE cross_sells SET lease_until = now() - interval '1 second' WHERE id = $1`, [
      id,
    ]);
    expect(await deliver(suite.deps, id, postpone)).toBe('sent');
    expect(await crossSellOf(suite.app, '8101')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mailTo(suite.smtp, 'ona@example.com')).toHaveLength(1);
    expect(await deliver(suite.deps, id, postpone)).toBe('already');
    expect(mailTo(suite.smtp, 'ona@example.com')).toHaveLength(1);
  });

  it("a claim's lease runs out before BullMQ can hand its stalled job to another worker", async () => {
    const id = await dueCrossSell('8107', 'vin@example.com');
    let lease = NaN;
    const timed: Mailer = {
      ...suite.deps.mailer,
      send: async (email, hooks) => {
        const { rows } = await suite.app.db.pool.query(
          `SELECT extract(epoch FROM lease_until - now())::float8 AS s FROM cross_sells WHERE id = $1`,
          [id],
        );
        lease = rows[0].s;
        return suite.deps.mailer.send(email, hooks);
      },
    };
    expect(await deliver({ ...suite.deps, mailer: timed }, id, postpone)).toBe('sent');
    // BullMQ's lock is 30 s, renewed every 15 s: a stalled job moves on 15 s after the claim at the earliest.
    expect(lease).toBeGreaterThan(5);
    expect(lease).toBeLessThan(15);
  });

  it('after DATA began: never sent again; failed/interrupted a minute after DATA began, not before', async () => {
    const recent = await dueCrossSell('8102', 'pia@example.com');
    const old = await dueCrossSell('8103', 'rex@example.com');
    await deadClaim(recent, { leaseIn: -40, dataBegan: -50 });
    await deadClaim(old, { leaseIn: -50, dataBegan: -61 });
    expect(await deliver(suite.deps, recent, postpone)).toBe('already');
    expect(await deliver(suite.deps, old, postpone)).toBe('already');
    await reconcile();
    expect(await crossSellOf(suite.app, '8102')).toMatchObject({ status: 'sending' });
    expect(await crossSellOf(suite.app, '8103')).toMatchObject({
      status: 'failed',
      reason: 'interrupted',
      message_id: '<xs-dead@shop.example>',
    });
    expect(mailTo(suite.smtp, 'pia@example.com')).toHaveLength(0);
    expect(mailTo(suite.smtp, 'rex@example.com')).toHaveLength(0);
  });

  it('a claim whose job is gone: the reconciler puts it back a minute after its lease ran out', async () => {
    const lost = await dueCrossSell('8104', 'sal@example.com');
    const fresh = await dueCrossSell('8105', 'tod@example.com');
    await deadClaim(lost, { leaseIn: -61 });
    await deadClaim(fresh, { leaseIn: -10 });
    await reconcile();
    expect(await crossSellOf(suite.app, '8104')).toMatchObject({ status: 'scheduled' });
    expect(await crossSellOf(suite.app, '8105')).toMatchObject({ status: 'sending' });
    expect(await deliver(suite.deps, lost, postpone)).toBe('sent');
    expect(mailTo(suite.smtp, 'sal@example.com')).toHaveLength(1);
  });

  it('a worker whose claim was taken over before its DATA began hands the server nothing', async () => {
    const id = await dueCrossSell('8106', 'uli@example.com');
    // Another worker takes the claim over while this one waits for a connection.
    const slow: Mailer = {
      ...suite.deps.mailer,
      send: async (email, hooks) => {
        await suite.app.db.pool.query(`UPDATE cross_sells SET attempts = attempts + 1 WHERE id = $1`, [id]);
        return suite.deps.mailer.send(email, hooks);
      },
    };
    expect(await deliver({ ...suite.deps, mailer: slow }, id, postpone)).toBe('already');
    expect(mailTo(suite.smtp, 'uli@example.com')).toHaveLength(0);
    expect(suite.smtp.envelopes.filter((e) => e.rcptTo.includes('uli@example.com'))).toHaveLength(0);
    // It got as far as DATA, then dropped the connection without a byte of the message.
    await until(async () => suite.smtp.interrupted.some((m) => m.rcptTo.includes('uli@example.com')));
    // The claim stays the other worker's, untouched.
    expect(await crossSellOf(suite.app, '8106')).toMatchObject({ status: 'sending', attempts: 2 });
  });
});
