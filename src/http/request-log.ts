// One line per HTTP request through the app's pino logger: request id, method, route pattern,
// status and duration. The route, never the URL: unsubscribe and click URLs carry tokens.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

export class RouteLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      route: routeOf(request),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    // /readyz answering 503 while the database or queue opens is readiness working, not a failure.
    const notReady = line.route === '/readyz' && line.status === 503 && !error;
    if ((error || reply.statusCode >= 500) && !notReady)
      reply.log.error({ ...line, err: error ?? undefined }, 'request failed');
    else if (QUIET_ROUTES.has(line.route)) reply.log.debug(line, 'request');
    else reply.log.info(line, 'request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, route: routeOf(request), status: reply.statusCode, err: error };
    if (reply.statusCode >= 500) reply.log.error(line, 'request error');
    else reply.log.info(line, error.message);
  }

  override routeNotFound(request: FastifyRequest, reply: FastifyReply): void {
    reply.log.info({ method: request.method, route: 'unmatched', status: 404 }, 'route not found');
  }
}
