// The JSON API under /admin/api, bearer token only (see access.ts): the same figures as
// `aftercart stats`, what `explain` shows, the two cross-sell actions, and suppressions.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { loadStats } from '../../stats/funnel.js';
import { parseSince } from '../../stats/since.js';
import { explainOrder } from '../../explain/explain-order.js';
import type { Access } from './access.js';
import type { AdminDepsSource } from './deps.js';
import { cancelCrossSell, isCrossSellId, sendNow, type ActionResult } from './cross-sell-actions.js';
import { addSuppression, listSuppressions, removeSuppression, SuppressionInputError } from './suppressions.js';
import { logAdminAction, queryValue } from './respond.js';

const api = { config: { access: 'api' as Access } };
type Query = Record<string, unknown>;

export async function apiRoutes(app: FastifyInstance, opts: { deps: AdminDepsSource }): Promise<void> {
  const deps = () => opts.deps()!; // the gate answered 503/404 already when these are missing

  app.get('/api/stats', api, async (req) => {
    const q = req.query as Query;
    return loadStats(deps().pool, { since: parseSince(queryValue(q.since)), store: queryValue(q.store), measureWindowMs: deps().config?.().measure.window });
  });

  // Exactly what `explain --json` prints: one object, or an array when the id exists in several stores.
  app.get<{ Params: { id: string } }>('/api/orders/:id', api, async (req, reply) => {
    const store = queryValue((req.query as Query).store);
    const found = await (deps().explain ?? explainOrder)(deps().pool, req.params.id, store, deps().config?.());
    if (found.length === 0) return reply.code(404).send({ orderId: req.params.id, status: null, error: 'no such order' });
    return found.length === 1 ? found[0] : found;
  });

  const answer = (result: ActionResult, reply: FastifyReply) =>
    result.ok ? reply.send(stripOk(result)) : reply.code(result.code).send(stripOk(result));

  app.post<{ Params: { id: string } }>('/api/cross-sells/:id/send-now', api, async (req, reply) => {
    if (!isCrossSellId(req.params.id)) return reply.code(400).send({ error: 'invalid cross-sell id' });
    const result = await sendNow(deps().pool, deps().queue, req.params.id);
    logAdminAction(req, 'sent-now', { crossSellId: req.params.id, ok: result.ok });
    return answer(result, reply);
  });

  app.post<{ Params: { id: string } }>('/api/cross-sells/:id/cancel', api, async (req, reply) => {
    if (!isCrossSellId(req.params.id)) return reply.code(400).send({ error: 'invalid cross-sell id' });
    const result = await cancelCrossSell(deps().pool, deps().queue, req.params.id);
    logAdminAction(req, 'cancelled', { crossSellId: req.params.id, ok: result.ok });
    return answer(result, reply);
  });

  app.get('/api/suppressions', api, async (req) => {
    const q = req.query as Query;
    const limit = Number(queryValue(q.limit) ?? 100);
    const suppressions = await listSuppressions(deps().pool, { store: queryValue(q.store), email: queryValue(q.email), limit: Number.isFinite(limit) ? limit : 100 });
    return { suppressions };
  });

  app.post('/api/suppressions', api, async (req, reply) => {
    const result = await addSuppression(deps().pool, bodyOf(req.body));
    logAdminAction(req, 'suppression-added', { store: result.store, emailHash: result.emailHash, created: result.created });
    return reply.code(result.created ? 201 : 200).send(result);
  });

  app.delete('/api/suppressions', api, async (req, reply) => {
    const result = await removeSuppression(deps().pool, bodyOf(req.body ?? req.query));
    logAdminAction(req, 'suppression-removed', { store: result.store, emailHash: result.emailHash, removed: result.removed });
    return reply.code(result.removed ? 200 : 404).send(result);
  });
}

function bodyOf(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SuppressionInputError('expected a JSON object body');
  return body as Record<string, unknown>;
}

function stripOk<T extends { ok: boolean }>(result: T): Omit<T, 'ok' | 'code'> {
  const { ok: _ok, code: _code, ...rest } = result as T & { code?: number };
  return rest;
}
