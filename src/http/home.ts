// GET /: a small page for whoever opens the server in a browser, pointing at the admin, the
// webhook URLs a store is given, and the health endpoints. Nothing about any store or customer.
import type { FastifyInstance } from 'fastify';
import { html } from './admin/pages/html.js';
import { page } from './admin/pages/layout.js';

const WEBHOOKS = [
  ['Shopify', '/webhooks/shopify'],
  ['WooCommerce', '/webhooks/woocommerce'],
  ['Canonical events (Standard Webhooks)', '/webhooks/events'],
] as const;

export function renderHomePage(publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return page({
    title: 'Aftercart',
    body: html`<section>
      <h2>This server runs Aftercart</h2>
      <p>
        Post-purchase cross-sell email. Operators sign in at <a href="/admin">/admin</a> (needs
        <code>ADMIN_TOKEN</code>).
      </p>
      <h2>Webhook URLs</h2>
      <ul>
        ${WEBHOOKS.map(([name, route]) => html`<li>${name}: <code>POST ${base}${route}</code></li>`)}
      </ul>
      <p>
        Health: <a href="/healthz">/healthz</a> · readiness: <a href="/readyz">/readyz</a> · metrics:
        <a href="/metrics">/metrics</a>.
      </p>
      <p>Set-up, configuration and commands: the project's <code>README.md</code> and <code>SPEC.md</code>.</p>
    </section>`,
  });
}

export async function homeRoutes(app: FastifyInstance, opts: { publicUrl: string }): Promise<void> {
  const body = renderHomePage(opts.publicUrl);
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(body));
}
