// The crash timings follow BullMQ's lock (src/queue/timings.ts): at the defaults they are the
// figures the code always had, and a shorter lock (the worker-crash test's) keeps their order.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/load.js';
import { queueTimings } from '../../src/queue/timings.js';
import { SEND_LEASE_MS } from '../../workers/deliver.js';

describe('queue timings', () => {
  it('default to a 30 s lock and stalled check, a 12 s lease, a 10 s socket timeout, a 60 s sending timeout', () => {
    const t = queueTimings(parseEnv({}));
    expect(t).toEqual({
      lockDuration: 30_000,
      stalledInterval: 30_000,
      sendLeaseMs: 12_000,
      smtpSocketTimeoutMs: 10_000,
      sendingTimeoutMs: 60_000,
    });
    expect(t.sendLeaseMs).toBe(SEND_LEASE_MS);
  });

  it.each([
    [1_000, 100],
    [20_000, 2_000],
    [30_000, 30_000],
    [120_000, 30_000],
  ])(
    'QUEUE_LOCK_MS=%i, QUEUE_STALLED_INTERVAL_MS=%i: lease under half the lock, socket timeout well under it',
    (lock, stalled) => {
      const t = queueTimings(parseEnv({ QUEUE_LOCK_MS: String(lock), QUEUE_STALLED_INTERVAL_MS: String(stalled) }));
      expect(t.lockDuration).toBe(lock);
      expect(t.stalledInterval).toBe(stalled);
      expect(t.sendLeaseMs).toBeLessThan(lock / 2);
      expect(t.smtpSocketTimeoutMs).toBeLessThanOrEqual(Math.min(10_000, lock / 3));
      // The reconciler steps in only after BullMQ could hand the job on, and after any live answer.
      expect(t.sendingTimeoutMs).toBe(lock + stalled);
      expect(t.sendingTimeoutMs).toBeGreaterThan(t.smtpSocketTimeoutMs);
    },
  );

  it('refuses a lock under a second, naming the variable', () => {
    expect(() => parseEnv({ QUEUE_LOCK_MS: '500' })).toThrow(/QUEUE_LOCK_MS/);
    expect(() => parseEnv({ QUEUE_STALLED_INTERVAL_MS: 'soon' })).toThrow(/QUEUE_STALLED_INTERVAL_MS/);
  });
});
