// Links in sent emails: GET /c/:token records a click and redirects to the product URL stored
// for that send (never a URL from the request: no open redirect); GET/POST /u/:token is the
// unsubscribe page and RFC 8058 one-click unsubscribe.
import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type pg from 'pg';
import type { LinkSigner } from './links.js';
import { emailHash } from '../ingest/customer-key.js';
import { normaliseEmail } from '../ingest/email-address.js';
import { renderUnsubscribePage } from './pages/unsubscribe-page.js';
import type { Config } from '../config/schema.js';
import { linkPolicy, safeLinkUrl } from '../ingest/safe-url.js';
import { CART_LINK_ID } from '../offers/cart-link.js';
import { cartClickTarget } from '../offers/cart-click.js';

export interface TrackingDeps {
  pool: pg.Pool;
  links: LinkSigner;
  config: () => Config;
}

export async function trackingRoutes(app: FastifyInstance, opts: { deps: () => TrackingDeps | undefined }): Promise<void> {
  await app.register(formbody);
  // Until the database is open every tracking route answers 503.
  app.addHook('onRequest', async (_req, reply) => {
    if (!opts.deps()) return reply.code(503).send({ error: 'starting up, retry shortly' });
  });
  const d = () => opts.deps()!;

  app.get<{ Params: { token: string } }>('/c/:token', async (req, reply) => {
    const token = d().links.verify(req.params.token);
    if (!token || token.kind !== 'c') return reply.code(404).send({ error: 'unknown link' });
    if (token.productId === CART_LINK_ID) {
      const cart = await cartClickTarget(d().pool, token.crossSellId, d().config().store);
      if (!cart) return reply.code(404).send({ error: 'unknown link' });
      await d().pool.query('INSERT INTO clicks (cross_sell_id, product_id) VALUES ($1, $2)', [token.crossSellId, CART_LINK_ID]);
      return reply.redirect(withUtm(cart, d().config().mail.utm), 302);
    }
    const { rows } = await d().pool.query<{ url: string | null }>(
      `SELECT item->>'url' AS url FROM cross_sells, jsonb_array_elements(coalesce(items, '[]')) AS item
        WHERE id = $1 AND item->>'productId' = $2`,
      [token.crossSellId, token.productId],
    );
    if (rows.length === 0) return reply.code(404).send({ error: 'unknown link' });
    const target = clickTarget(rows[0]!.url, d().config().store);
    if (!target) return reply.code(404).send({ error: 'unknown link' });
    await d().pool.query('INSERT INTO clicks (cross_sell_id, product_id) VALUES ($1, $2)', [token.crossSellId, token.productId]);
    return reply.redirect(withUtm(target, d().config().mail.utm), 302);
  });

  const page = (state: 'confirm' | 'done' | 'invalid', token: string, locale?: string) =>
    renderUnsubscribePage({ state, storeName: d().config().store.name, locale: locale ?? 'en', action: `/u/${encodeURIComponent(token)}` });

  app.get<{ Params: { token: string } }>('/u/:token', async (req, reply) => {
    const token = d().links.verify(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!token || token.kind !== 'u') return reply.code(404).send(page('invalid', req.params.token));
    const locale = await customerLocale(d().pool, token.crossSellId);
    return reply.send(page('confirm', req.params.token, locale));
  });

  app.post<{ Params: { token: string } }>('/u/:token', async (req, reply) => {
    const token = d().links.verify(req.params.token);
    const wantsHtml = String(req.headers.accept ?? '').includes('text/html');
    if (!token || token.kind !== 'u') {
      return wantsHtml ? reply.code(404).type('text/html; charset=utf-8').send(page('invalid', req.params.token)) : reply.code(404).send({ error: 'unknown link' });
    }
    const { rows } = await d().pool.query<{ store: string; email: string | null; locale: string | null }>(
      `SELECT x.store, c.email, c.locale FROM cross_sells x JOIN customers c ON c.store = x.store AND c.customer_key = x.customer_key WHERE x.id = $1`,
      [token.crossSellId],
    );
    const who = rows[0];
    // Suppressed under the address the email went to (a stored non-address is never sent to).
    const address = normaliseEmail(who?.email);
    // "You are unsubscribed" only once it is stored: a send this database does not know, or
    // whose address is gone (erased), has nothing to store; a failed write answers 5xx.
    if (!who || !address) {
      req.log.warn({ crossSellId: token.crossSellId, known: Boolean(who) }, 'unsubscribe: nothing to store');
      return wantsHtml ? reply.code(404).type('text/html; charset=utf-8').send(page('invalid', req.params.token, who?.locale ?? undefined)) : reply.code(404).send({ error: 'unknown link' });
    }
    await d().pool.query(
      `INSERT INTO suppressions (store, email_hash, email, reason) VALUES ($1, $2, $3, 'unsubscribed')
       ON CONFLICT (store, email_hash) DO UPDATE SET reason = 'unsubscribed'`,
      [who.store, emailHash(address), address.toLowerCase()],
    );
    req.log.info({ crossSellId: token.crossSellId }, 'unsubscribed');
    return wantsHtml ? reply.type('text/html; charset=utf-8').send(page('done', req.params.token, who?.locale ?? undefined)) : reply.send({ ok: true, unsubscribed: true });
  });
}

async function customerLocale(pool: pg.Pool, crossSellId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ locale: string | null }>(
    `SELECT c.locale FROM cross_sells x JOIN customers c ON c.store = x.store AND c.customer_key = x.customer_key WHERE x.id = $1`,
    [crossSellId],
  );
  return rows[0]?.locale ?? undefined;
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
