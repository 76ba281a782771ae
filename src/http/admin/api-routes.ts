// The JSON API under /admin/api, bearer token only (see access.ts): the same figures as
// `aftercart stats`, what `explain` shows, the two cross-sell actions, and suppressions.
// Every route declares its params, query and body: Fastify answers 400 before the handler runs.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadStats } from '../../stats/funnel.js';
import { parseSince } from '../../stats/since.js';
import { explainOrder } from '../../explain/explain-order.js';
import { queryText, type ZodHandler } from '../validation.js';
import type { Access } from './access.js';
import type { AdminDeps, AdminDepsSource } from './deps.js';
import { cancelCrossSell, crossSellIdParams, sendNow, type ActionResult } from './cross-sell-actions.js';
import {
  addSuppression,
  addSuppressionBody,
  listSuppressions,
  removeSuppression,
  removeSuppressionBody,
} from './suppressions.js';
import { logAdminAction } from './respond.js';

const api = { config: { access: 'api' as Access } };

/** `?since=`: a day or an ISO 8601 time (src/stats/since.ts); blank is no bound. */
const since = queryText.transform((text, ctx) => {
  try {
    return parseSince(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** `?limit=`: rows to list, clamped to 1..1000 by listSuppressions; not a number means 100. */
const limit = queryText.transform((text) => {
  const n = Number(text ?? 100);
  return Number.isFinite(n) ? n : 100;
});

const schemas = {
  stats: { querystring: z.object({ since, store: queryText }) },
  order: { params: z.object({ id: z.string() }), querystring: z.object({ store: queryText }) },
  action: { params: crossSellIdParams },
  list: { querystring: z.object({ store: queryText, email: queryText, limit }) },
  add: { body: addSuppressionBody },
  remove: { body: removeSuppressionBody },
};

export async function apiRoutes(app: FastifyInstance, opts: { deps: AdminDepsSource }): Promise<void> {
  const deps = () => opts.deps()!; // the gate answered 503/404 already when these are missing
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/stats', { ...api, schema: schemas.stats }, stats(deps));
  r.get('/api/orders/:id', { ...api, schema: schemas.order }, order(deps));
  r.post('/api/cross-sells/:id/send-now', { ...api, schema: schemas.action }, action(deps, sendNow, 'sent-now'));
  r.post('/api/cross-sells/:id/cancel', { ...api, schema: schemas.action }, action(deps, cancelCrossSell, 'cancelled'));
  r.get('/api/suppressions', { ...api, schema: schemas.list }, suppressions(deps));
  r.post('/api/suppressions', { ...api, schema: schemas.add }, suppress(deps));
  r.delete('/api/suppressions', { ...api, schema: schemas.remove, preValidation: bodyOrQuery }, unsuppress(deps));
}

type Deps = () => AdminDeps;

function stats(deps: Deps): ZodHandler<typeof schemas.stats> {
  return async (req) => {
    const { since, store } = req.query;
    return loadStats(deps().pool, { since, store, measureWindowMs: deps().config?.().measure.window });
  };
}

/** Exactly what `explain --json` prints: one object, or an array when the id exists in several stores. */
function order(deps: Deps): ZodHandler<typeof schemas.order> {
  return async (req, reply) => {
    const found = await (deps().explain ?? explainOrder)(
      deps().pool,
      req.params.id,
      req.query.store,
      deps().config?.(),
    );
    if (found.length === 0)
      return reply.code(404).send({ orderId: req.params.id, status: null, error: 'no such order' });
    return found.length === 1 ? found[0] : found;
  };
}

function action(
  deps: Deps,
  run: typeof sendNow | typeof cancelCrossSell,
  done: 'sent-now' | 'cancelled',
): ZodHandler<typeof schemas.action> {
  return async (req, reply) => {
    const result: ActionResult = await run(deps().pool, deps().queue, req.params.id);
    logAdminAction(req, done, { crossSellId: req.params.id, ok: result.ok });
    return result.ok ? reply.send(stripOk(result)) : reply.code(result.code).send(stripOk(result));
  };
}

function suppressions(deps: Deps): ZodHandler<typeof schemas.list> {
  return async (req) => {
    const { store, email, limit } = req.query;
    return { suppressions: await listSuppressions(deps().pool, { store, email, limit }) };
  };
}

function suppress(deps: Deps): ZodHandler<typeof schemas.add> {
  return async (req, reply) => {
    const result = await addSuppression(deps().pool, req.body);
    logAdminAction(req, 'suppression-added', {
      store: result.store,
      emailHash: result.emailHash,
      created: result.created,
    });
    return reply.code(result.created ? 201 : 200).send(result);
  };
}

// The suppression to lift comes as a body, or (for clients that send no body with DELETE) the query.
async function bodyOrQuery(req: { body: unknown; query: unknown }): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = req.query;
}

function unsuppress(deps: Deps): ZodHandler<typeof schemas.remove> {
  return async (req, reply) => {
    const result = await removeSuppression(deps().pool, req.body);
    logAdminAction(req, 'suppression-removed', {
      store: result.store,
      emailHash: result.emailHash,
      removed: result.removed,
    });
    return reply.code(result.removed ? 200 : 404).send(result);
  };
}

function stripOk<T extends { ok: boolean }>(result: T): Omit<T, 'ok' | 'code'> {
  const { ok: _ok, code: _code, ...rest } = result as T & { code?: number };
  return rest;
}
