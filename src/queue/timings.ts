// The timings that keep one email per order when a worker dies, all derived from BullMQ's job
// lock (QUEUE_LOCK_MS) and stalled check (QUEUE_STALLED_INTERVAL_MS) so that they move together.
// The defaults (30 s, 30 s) give a 12 s send lease, a 10 s SMTP socket timeout and a 60 s
// reconciler sending timeout; tests shorten the lock to see a crash through in seconds.

export interface QueueTimings {
  /** BullMQ's job lock, renewed every half of it while the worker lives. */
  lockDuration: number;
  /** How often each worker looks for jobs whose lock expired (stalled) and hands them on. */
  stalledInterval: number;
  /**
   * How long a send's claim stands if its worker dies before DATA. Under half the lock: the lock
   * is renewed every half lock, so a stalled job is handed on at least half a lock after the
   * claim, when its lease ran out and the new worker can take the claim over.
   */
  sendLeaseMs: number;
  /** The mailer's socket timeout, kept well under the lock so a slow server cannot cause a second send. */
  smtpSocketTimeoutMs: number;
  /**
   * When the reconciler fails a send whose DATA began (interrupted) or releases an expired
   * claim: only after BullMQ had its chance to hand the dead worker's job on (lock + stalled
   * check), and far past a live worker's SMTP answer (the socket timeout, a third of the lock).
   */
  sendingTimeoutMs: number;
}

/** The lease's share of the lock: under half, as above. */
const LEASE_SHARE = 0.4;
const SOCKET_TIMEOUT_MS = 10_000;

export function queueTimings(env: { QUEUE_LOCK_MS: number; QUEUE_STALLED_INTERVAL_MS: number }): QueueTimings {
  const lock = env.QUEUE_LOCK_MS;
  return {
    lockDuration: lock,
    stalledInterval: env.QUEUE_STALLED_INTERVAL_MS,
    sendLeaseMs: Math.floor(lock * LEASE_SHARE),
    smtpSocketTimeoutMs: Math.min(SOCKET_TIMEOUT_MS, Math.floor(lock / 3)),
    sendingTimeoutMs: lock + env.QUEUE_STALLED_INTERVAL_MS,
  };
}
