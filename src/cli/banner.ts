// What a person starting Aftercart on a terminal needs first: where to point the store, where
// the admin is, where emails land, and which parts run embedded. Printed above pretty logs only.
import path from 'node:path';
import type { App } from '../app.js';

export function banner(
  app: Pick<App, 'settings' | 'address' | 'db' | 'queue' | 'mailer'>,
  mode: 'start' | 'serve' | 'work',
): string {
  const { env } = app.settings;
  const base = env.PUBLIC_URL.replace(/\/+$/, '');
  const embedded = [
    app.db.embedded && 'database (PGlite)',
    app.queue.kind === 'postgres' && 'queue (on the database)',
    app.mailer.kind === 'outbox' && 'mail (outbox)',
  ].filter(Boolean);
  const lines = [
    `Aftercart ${mode}${app.address ? ` listening on ${app.address}` : ' (workers only)'}`,
    ...(app.address
      ? [
          `  webhooks   ${base}/webhooks/shopify · ${base}/webhooks/woocommerce · ${base}/webhooks/events`,
          `  admin      ${base}/admin${env.ADMIN_TOKEN ? '' : ' (disabled: set ADMIN_TOKEN)'}`,
        ]
      : []),
    app.mailer.kind === 'outbox'
      ? `  outbox     ${path.join(path.resolve(env.AFTERCART_DATA_DIR), 'outbox')}`
      : '  mail       SMTP',
    `  embedded   ${embedded.length > 0 ? embedded.join(', ') : 'nothing (Postgres, Redis, SMTP)'}`,
    `  config     ${app.settings.configSource}`,
  ];
  return `${lines.join('\n')}\n`;
}
