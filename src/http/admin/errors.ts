// One error answer for every admin route: a 4xx says what was wrong with the request, a 500
// says nothing about our internals (no SQL, no stack) and is logged by id only. A request that
// does not match its route's schema is a 400 naming the field: HTML to a browser on a page.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { invalidRequestMessage } from '../validation.js';
import { answersJson } from './access.js';
import { badRequestPage } from './pages/error-page.js';
import { sendHtml } from './respond.js';

export function adminErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  const invalid = invalidRequestMessage(err);
  if (invalid !== undefined) return badRequest(req, reply, invalid);
  const status = (err as FastifyError).statusCode;
  const code = status && status >= 400 && status < 500 ? status : 500;
  if (code === 500) req.log.error({ err: err.message, route: req.routeOptions.url }, 'admin request failed');
  return reply.code(code).send({ error: code === 500 ? 'internal error' : err.message });
}

/** 400 with `message`: a page for a browser (it asked for HTML), else `{ error }`. */
export function badRequest(req: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  const browser = !answersJson(req) && String(req.headers.accept ?? '').includes('text/html');
  return browser ? sendHtml(reply, badRequestPage(message), 400) : reply.code(400).send({ error: message });
}
