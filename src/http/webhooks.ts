// POST /webhooks/:source — verify the signature on the raw bytes, map to canonical events,
// record in Postgres with the webhooks arriving alongside (src/ingest/group-commit.ts), which
// after the commit puts the cross-sells on the queue. The raw-body
// parser is registered inside this plugin only, so admin and Bull Board routes are untouched.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GroupCommit } from '../ingest/group-commit.js';
import { sources } from '../ingest/sources/index.js';
import { WebhookRejection, type ParsedDelivery, type Source } from '../ingest/sources/source.js';
import { claimedStore, enabled, secretsFor, verifyWithAny, type WebhookSecrets } from '../ingest/sources/secrets.js';
import { metrics } from '../metrics/metrics.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';
import { inClass, SqlState, SqlStateClass } from '../db/errors.js';

export interface WebhookDeps {
  /** Records a delivery and, after its commit, queues what it scheduled. */
  ingest: Pick<GroupCommit, 'ingest'>;
  secrets: WebhookSecrets;
  /** Keep raw payloads (for the retention window) or nothing. */
  keepPayloads: boolean;
}

const ROUTES: Record<string, keyof typeof sources> = {
  shopify: 'shopify',
  woocommerce: 'woocommerce',
  events: 'events',
};
const JSON_TYPE = /^application\/(.+\+)?json\b/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

/** `deps()` is undefined while the process is still opening the database (answered 503). */
export async function webhookRoutes(
  app: FastifyInstance,
  opts: { deps: () => WebhookDeps | undefined },
): Promise<void> {
  // Signatures are over the exact bytes: no JSON parsing before verification.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post<{ Params: { source: string } }>('/webhooks/:source', (req, reply) => receive(opts.deps(), req, reply));
}

type SourceName = keyof typeof sources;

/** One delivery being answered: its source, and the webhook counter under that source. */
interface Receipt {
  deps: WebhookDeps;
  name: SourceName;
  req: FastifyRequest;
  reply: FastifyReply;
  count: (topic: string, outcome: string) => void;
  started: number;
}

/** Refused before the bytes are read (503, 404, 415), else verified, parsed and recorded. */
async function receive(
  deps: WebhookDeps | undefined,
  req: FastifyRequest<{ Params: { source: string } }>,
  reply: FastifyReply,
) {
  const started = performance.now();
  if (!deps) return reply.code(503).send({ error: 'starting up, retry shortly' });
  const name = Object.hasOwn(ROUTES, req.params.source) ? ROUTES[req.params.source] : undefined;
  if (!name)
    return reply
      .code(404)
      .send({ error: `no webhook source "${req.params.source}"; use shopify, woocommerce or events` });
  const count = (topic: string, outcome: string) => metrics.webhooks.inc({ source: name, topic, outcome });
  if (!enabled(deps.secrets[name])) {
    req.log.error({ source: name }, `webhook refused: no secret configured for ${name} (set ${secretVariable(name)})`);
    count('unknown', 'no_secret');
    return reply.code(404).send({ error: `webhooks from ${name} are not enabled on this server` });
  }
  const type = String(req.headers['content-type'] ?? '');
  if (!JSON_TYPE.test(type) && !(name === 'woocommerce' && FORM_TYPE.test(type))) {
    count('unknown', 'rejected');
    return reply.code(415).send({ error: `content type must be application/json, got "${type || 'none'}"` });
  }
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  try {
    return await accept({ deps, name, req, reply, count, started }, raw);
  } catch (err) {
    return rejection(err, reply, (outcome) =>
      count(String(req.headers['x-shopify-topic'] ?? req.headers['x-wc-webhook-topic'] ?? 'unknown'), outcome),
    );
  }
}

/** Verified and parsed (a WebhookRejection otherwise), recorded, then queued after the commit. */
async function accept(receipt: Receipt, raw: Buffer) {
  const { deps, name, req, reply, count } = receipt;
  const source: Source = sources[name];
  // Only the secrets that may speak for the store the delivery names (src/ingest/sources/secrets.ts).
  const store = claimedStore(name, req.headers);
  verifyWithAny(source, raw, req.headers, secretsFor(deps.secrets[name], store), store);
  const parsed = source.parse(raw, req.headers);
  if (parsed.ignored || parsed.events.length === 0) {
    count(parsed.topic, parsed.ignored ? 'ignored' : 'accepted');
    return reply.send({ ok: true, ignored: Boolean(parsed.ignored) });
  }
  let outcome;
  try {
    outcome = await deps.ingest.ingest({ ...parsed, source: name, raw: deps.keepPayloads ? raw : null });
  } catch (err) {
    return notRecorded(receipt, parsed, err);
  }
  if (outcome.foreignStore) {
    // Another source's store: this secret does not speak for it (nothing was recorded).
    const { store, owner } = outcome.foreignStore;
    req.log.warn(
      { source: name, store, owner, deliveryId: parsed.deliveryId },
      'webhook refused: the store belongs to another source',
    );
    count(parsed.topic, 'forbidden');
    return reply.code(403).send({ error: `store "${store}" receives webhooks from ${owner}, not ${name}` });
  }
  if (outcome.duplicate) {
    count(parsed.topic, 'duplicate');
    return reply.send({ ok: true, duplicate: true });
  }
  count(parsed.topic, 'accepted');
  metrics.ingestSeconds.observe({ source: name }, (performance.now() - receipt.started) / 1000);
  return reply.send({ ok: true });
}

/** The answer when recording failed: 400 for the sender's values, 503 while the database is away, else 500. */
function notRecorded(receipt: Receipt, parsed: ParsedDelivery, err: unknown) {
  const { name, req, reply, count } = receipt;
  // A value the database cannot hold (SQLSTATE class 22, or a NOT NULL column) is the
  // sender's error: 400, so the store does not retry the same bytes for days.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (inClass(code, SqlStateClass.dataException) || code === SqlState.notNullViolation)) {
    req.log.warn(
      { source: name, deliveryId: parsed.deliveryId, code },
      'webhook refused: a value the database cannot store',
    );
    count(parsed.topic, 'rejected');
    return reply.code(400).send({ error: `a value cannot be stored: ${(err as Error).message}` });
  }
  // The store retries on 5xx: nothing accepted is lost, nothing half-written stays (the
  // delivery's claim rolled back with the rest, so the retry is processed, not a duplicate).
  if (isDatabaseUnreachable(err)) {
    req.log.error(
      { err: (err as Error).message, source: name, deliveryId: parsed.deliveryId },
      'database unavailable: webhook refused with 503',
    );
    count(parsed.topic, 'unavailable');
    return reply.code(503).send({ error: 'temporarily unavailable, retry later' });
  }
  req.log.error({ err, source: name, deliveryId: parsed.deliveryId }, 'webhook failed: a fault of ours (500)');
  count(parsed.topic, 'error');
  return reply.code(500).send({ error: 'internal error; the delivery was not recorded, retry later' });
}

function rejection(err: unknown, reply: FastifyReply, count: (outcome: string) => void) {
  if (err instanceof WebhookRejection) {
    count(err.status === 401 ? 'unauthorized' : 'rejected');
    return reply.code(err.status).send({ error: err.message });
  }
  throw err;
}

function secretVariable(name: string): string {
  return name === 'events' ? 'STANDARD_WEBHOOK_SECRET' : `${name.toUpperCase()}_WEBHOOK_SECRET`;
}
