// Failed sign-ins are limited per client address with @fastify/rate-limit's in-memory store:
// each process counts its own, and a restart forgets. Only failures count, so an operator who
// signs in often is never locked out by their own successes. Between the peek and the count
// there is no I/O (the store is in memory), so parallel guesses cannot all slip past the peek.
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const LOGIN_FAILURES = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface LoginLimit {
  /** Seconds until this client may try again; 0 when it may try now. */
  blockedFor(req: FastifyRequest): Promise<number>;
  failed(req: FastifyRequest): Promise<void>;
}

/** Needs @fastify/rate-limit registered on `app` or a parent (src/http/admin/index.ts). */
export function loginLimit(app: FastifyInstance): LoginLimit {
  const check = app.createRateLimit({ max: LOGIN_FAILURES, timeWindow: LOGIN_WINDOW_MS });
  return {
    async blockedFor(req) {
      const state = await check(req, { increment: false });
      return !state.isAllowed && state.remaining === 0 ? Math.max(1, state.ttlInSeconds) : 0;
    },
    async failed(req) {
      await check(req);
    },
  };
}
