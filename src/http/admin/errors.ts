// One error answer for every admin route: a 4xx says what was wrong with the request, a 500
// says nothing about our internals (no SQL, no stack) and is logged by id only.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SinceError } from '../../stats/since.js';
import { SuppressionInputError } from './suppressions.js';

export function adminErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof SinceError || err instanceof SuppressionInputError) return reply.code(400).send({ error: err.message });
  const status = (err as FastifyError).statusCode;
  const code = status && status >= 400 && status < 500 ? status : 500;
  if (code === 500) req.log.error({ err: err.message, route: req.routeOptions.url }, 'admin request failed');
  return reply.code(code).send({ error: code === 500 ? 'internal error' : err.message });
}
