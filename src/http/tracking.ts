// Links in sent emails: GET /c/:token records a click and redirects to the product URL stored
// for that send (never a URL from the request: no open redirect); GET/POST /u/:token is the
// unsubscribe page and RFC 8058 one-click unsubscribe.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import formbody from '@fastify/formbody';
import type pg from 'pg';
import type { LinkSigner } from '../links/signed-links.js';
import { normaliseEmail } from '../domain/email-address.js';
import { sql } from '../db/sql.js';
import { suppress } from '../privacy/suppressions.js';
import { renderUnsubscribePage } from './pages/unsubscribe-page.js';
import type { Config } from '../config/schema.js';
import { linkPolicy, safeLinkUrl } from '../links/safe-url.js';
import { invalidRequestMessage, useZodSchemas } from './validation.js';
import { settingsFor } from '../config/store-settings.js';
import { CART_LINK_ID } from '../offers/cart-link.js';
import { cartClickTarget } from '../offers/cart-click.js';

const queries = {
  clickUrl: sql(import.meta.url, 'click-url'),
  recipient: sql(import.meta.url, 'unsubscribe-recipient'),
};

export interface TrackingDeps {
  pool: pg.Pool;
  links: LinkSigner;
  config: () => Config;
}

/** A link token as LinkSigner writes it (`payload.mac`, base64url); anything else is a 400. */
const MALFORMED = 'malformed link token';
const tokenParams = z.object({
  token: z
    .string()
    .max(2_048, MALFORMED)
    .regex(/^[\w-]+\.[\w-]+$/, MALFORMED),
});
const schemas = {
  click: { params: tokenParams },
  page: { params: tokenParams },
  // Whatever the client posts (RFC 8058's `List-Unsubscribe=One-Click`, the page's `confirm=1`,
  // or nothing) unsubscribes: the token alone decides.
  unsubscribe: { params: tokenParams, body: z.unknown() },
};

export async function trackingRoutes(
  app: FastifyInstance,
  opts: { deps: () => TrackingDeps | undefined },
): Promise<void> {
  await app.register(formbody);
  useZodSchemas(app);
  // Until the database is open every tracking route answers 503.
  app.addHook('onRequest', async (_req, reply) => {
    if (!opts.deps()) return reply.code(503).send({ error: 'starting up, retry shortly' });
  });
  const deps = () => opts.deps()!;
  const page = unsubscribePage(() => deps().config());
  app.setErrorHandler(invalidToken(page));

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/c/:token', { schema: schemas.click }, (req, reply) => click(deps(), req.params.token, reply));
  r.get('/u/:token', { schema: schemas.page }, (req, reply) => confirmPage(deps(), page, req.params.token, reply));
  r.post('/u/:token', { schema: schemas.unsubscribe }, (req, reply) =>
    unsubscribe(deps(), page, req.params.token, req, reply),
  );
}

type Page = (
  state: 'confirm' | 'done' | 'invalid',
  token: string,
  who?: { store?: string; locale?: string | null },
) => string;

/** The unsubscribe page, branded for the store the email came from, in the customer's language (else the store's). */
function unsubscribePage(config: () => Config): Page {
  return (state, token, who) => {
    const { store } = settingsFor(config(), who?.store);
    return renderUnsubscribePage({
      state,
      storeName: store.name,
      locale: who?.locale ?? store.locale ?? 'en',
      action: `/u/${encodeURIComponent(token)}`,
      brand: { url: store.url, logoUrl: store.logoUrl, colors: store.colors },
    });
  };
}

/** A malformed token: 400, with the unsubscribe page's "invalid link" for a person. */
function invalidToken(page: Page) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const invalid = invalidRequestMessage(err);
    if (invalid === undefined) throw err;
    const person = req.url.startsWith('/u/') && (req.method === 'GET' || wantsHtml(req));
    if (person) return reply.code(400).type('text/html; charset=utf-8').send(page('invalid', ''));
    return reply.code(400).send({ error: invalid });
  };
}

/** GET /c/:token: the click is recorded, then redirected to the stored target with the store's UTM tags. */
async function click(deps: TrackingDeps, text: string, reply: FastifyReply) {
  const token = deps.links.verify(text);
  if (!token || token.kind !== 'c') return reply.code(404).send({ error: 'unknown link' });
  const target =
    token.productId === CART_LINK_ID
      ? await cartTarget(deps, token.crossSellId)
      : await productTarget(deps, token.crossSellId, token.productId);
  if (!target) return reply.code(404).send({ error: 'unknown link' });
  await deps.pool.query('INSERT INTO clicks (cross_sell_id, product_id) VALUES ($1, $2)', [
    token.crossSellId,
    token.productId,
  ]);
  return reply.redirect(target, 302);
}

/** The bundle's cart link (src/offers/cart-click.ts). */
async function cartTarget(deps: TrackingDeps, crossSellId: string): Promise<string | undefined> {
  const cart = await cartClickTarget(deps.pool, crossSellId, deps.config());
  return cart && withUtm(cart.url, cart.settings.mail.utm);
}

/** A product of the email, under the store's own link hosts and UTM tags (config `stores`). */
async function productTarget(deps: TrackingDeps, crossSellId: string, productId: string): Promise<string | undefined> {
  const { rows } = await deps.pool.query<{ url: string | null; store: string }>(queries.clickUrl, [
    crossSellId,
    productId,
  ]);
  if (rows.length === 0) return undefined;
  const settings = settingsFor(deps.config(), rows[0]!.store);
  const target = clickTarget(rows[0]!.url, settings.store);
  return target && withUtm(target, settings.mail.utm);
}

/** GET /u/:token: the page asking to confirm. */
async function confirmPage(deps: TrackingDeps, page: Page, text: string, reply: FastifyReply) {
  const token = deps.links.verify(text);
  reply.type('text/html; charset=utf-8');
  if (!token || token.kind !== 'u') return reply.code(404).send(page('invalid', text));
  return reply.send(page('confirm', text, await recipient(deps.pool, token.crossSellId)));
}

/** POST /u/:token: the page's form and RFC 8058 one-click; HTML for a person, JSON otherwise. */
async function unsubscribe(deps: TrackingDeps, page: Page, text: string, req: FastifyRequest, reply: FastifyReply) {
  const token = deps.links.verify(text);
  if (!token || token.kind !== 'u') {
    return wantsHtml(req)
      ? reply.code(404).type('text/html; charset=utf-8').send(page('invalid', text))
      : reply.code(404).send({ error: 'unknown link' });
  }
  const who = await recipient(deps.pool, token.crossSellId);
  // Suppressed under the address the email went to (a stored non-address is never sent to).
  const address = normaliseEmail(who?.email);
  // "You are unsubscribed" only once it is stored: a send this database does not know, or
  // whose address is gone (erased), has nothing to store; a failed write answers 5xx.
  if (!who || !address) {
    req.log.warn({ crossSellId: token.crossSellId, known: Boolean(who?.known) }, 'unsubscribe: nothing to store');
    return wantsHtml(req)
      ? reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(page('invalid', text, who))
      : reply.code(404).send({ error: 'unknown link' });
  }
  await suppress(deps.pool, { store: who.store, address, reason: 'unsubscribed' });
  req.log.info({ crossSellId: token.crossSellId }, 'unsubscribed');
  return wantsHtml(req)
    ? reply.type('text/html; charset=utf-8').send(page('done', text, who))
    : reply.send({ ok: true, unsubscribed: true });
}

const wantsHtml = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('text/html');

interface Recipient {
  store: string;
  email: string | null;
  locale: string | null;
  known: boolean;
}

/** The email's store and its recipient (the customer row may be gone: erased). */
async function recipient(pool: pg.Pool, crossSellId: string): Promise<Recipient | undefined> {
  const { rows } = await pool.query<Recipient>(queries.recipient, [crossSellId]);
  return rows[0];
}

/**
 * Where a click goes: the product URL when it is still a safe link (rows written before the
 * ingest check, or under other settings, may hold anything), else the store; none: 404.
 */
function clickTarget(url: string | null, store: Config['store']): string | undefined {
  const policy = linkPolicy(store);
  return (url === null ? undefined : safeLinkUrl(url, policy)) ?? safeLinkUrl(store.url, policy);
}

function withUtm(url: string, utm: { source: string; medium: string; campaign: string }): string {
  try {
    const u = new URL(url);
    u.searchParams.set('utm_source', utm.source);
    u.searchParams.set('utm_medium', utm.medium);
    u.searchParams.set('utm_campaign', utm.campaign);
    return u.toString();
  } catch {
    return url;
  }
}
