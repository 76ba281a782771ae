// GET /metrics behind METRICS_TOKEN, when set: the figures (src/metrics/metrics.ts) go only to its bearer.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { bearerToken, sameToken } from './admin/auth.js';

/** An onRequest hook for the server: with a token, GET /metrics answers 401 to anyone without it. */
export function metricsGate(token: string | undefined): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!token || req.routeOptions.url !== '/metrics') return;
    const given = bearerToken(req.headers.authorization);
    if (given !== undefined && sameToken(given, token)) return;
    req.log.warn({ ip: req.ip }, 'metrics refused: missing or wrong METRICS_TOKEN');
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="aftercart-metrics"')
      .send({ error: 'unauthorized' });
  };
}
