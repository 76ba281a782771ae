// Starts the real application for a test: Postgres + Redis, or the embedded defaults.
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { openApp, type App } from '../../src/app.js';
import { parseConfig, parseEnv } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { freshDatabase, services, tempDir, uniquePrefix } from './services.js';

export const SHOPIFY_SECRET = 'shopify-test-secret';
export const WOO_SECRET = 'woo-test-secret';
export const EVENTS_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

export interface TestApp extends App {
  base: string;
  /** POST a canonical event signed per Standard Webhooks. */
  postEvent(event: unknown, opts?: { id?: string; secret?: string }): Promise<Response>;
  postShopify(
    topic: string,
    body: string | object,
    opts?: { webhookId?: string; eventId?: string; shop?: string; hmac?: string },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestApp(opts: {
  setup: 'services' | 'embedded';
  config?: ConfigInput;
  smtpUrl?: string;
  http?: boolean;
  workers?: boolean;
  env?: Record<string, string>;
  /** Receives every log line (pino JSON), at LOG_LEVEL. */
  logLines?: string[];
}): Promise<TestApp> {
  const dataDir = await tempDir();
  const db = opts.setup === 'services' ? await freshDatabase() : null;
  const env = parseEnv({
    AFTERCART_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'https://aftercart.test',
    LINK_SECRET: 'test-link-secret-0123456789',
    ADMIN_TOKEN: 'test-admin-token',
    SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET,
    WOOCOMMERCE_WEBHOOK_SECRET: WOO_SECRET,
    STANDARD_WEBHOOK_SECRET: EVENTS_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    QUEUE_PREFIX: uniquePrefix(),
    ...(db ? { DATABASE_URL: db.url, REDIS_URL: services().redis! } : {}),
    ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
    ...opts.env,
  });
  const settings = { env, config: parseConfig(opts.config ?? {}), configSource: 'test' };
  const app = await openApp(
    settings,
    { http: opts.http ?? true, workers: opts.workers ?? true, migrate: true },
    createLogger(
      env.LOG_LEVEL,
      opts.logLines ? { write: (line: string) => void opts.logLines!.push(line) } : undefined,
    ),
  );
  const base = app.address ?? '';
  return Object.assign(app, {
    base,
    postEvent: (event: unknown, o: { id?: string; secret?: string } = {}) => postEvent(base, event, o),
    async postShopify(
      topic: string,
      body: string | object,
      o: { webhookId?: string; eventId?: string; shop?: string; hmac?: string } = {},
    ) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return fetch(`${base}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topic,
          'x-shopify-shop-domain': o.shop ?? 'demo.myshopify.com',
          'x-shopify-webhook-id': o.webhookId ?? randomBytes(8).toString('hex'),
          ...(o.eventId ? { 'x-shopify-event-id': o.eventId } : {}),
          'x-shopify-hmac-sha256': o.hmac ?? createHmac('sha256', SHOPIFY_SECRET).update(raw).digest('base64'),
          'x-shopify-api-version': '2026-04',
        },
        body: raw,
      });
    },
    async stop() {
      await app.close();
      await db?.drop();
    },
  });
}

/** POSTs a canonical event to the receiver at `base`, signed per Standard Webhooks. */
export function postEvent(base: string, event: unknown, o: { id?: string; secret?: string } = {}): Promise<Response> {
  const body = JSON.stringify(event);
  const id = o.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const ts = new Date();
  const signature = new Webhook(o.secret ?? EVENTS_SECRET).sign(id, ts, body);
  return fetch(`${base}/webhooks/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  });
}

/** A small store: a console with a required cable, a game and a controller as complements. */
export function sampleProducts(store = 'demo') {
  const product = (id: string, title: string, productType: string, price: string, extra: object = {}) => ({
    type: 'product.upserted',
    data: {
      store,
      product: {
        id,
        title,
        productType,
        price,
        currency: 'USD',
        available: true,
        url: `https://shop.example/p/${id}`,
        imageUrl: `https://shop.example/i/${id}.png`,
        ...extra,
      },
    },
  });
  return [
    product('P1', 'Console X', 'Video Game Console', '399.00', {
      complements: [{ id: 'P3', required: true }, { id: 'P2' }, { id: 'P4' }],
    }),
    product('P2', 'Space Quest', 'Video Game', '59.99'),
    product('P3', 'HDMI 2.1 Cable', 'Cable', '19.99'),
    product('P4', 'Pro Controller', 'Controller', '69.99'),
  ];
}

export function sampleOrder(
  id: string,
  opts: { store?: string; email?: string; createdAt?: Date; productId?: string; consent?: boolean } = {},
) {
  return {
    type: 'order.created',
    data: {
      store: opts.store ?? 'demo',
      order: {
        id,
        createdAt: (opts.createdAt ?? new Date()).toISOString(),
        currency: 'USD',
        shippingCountry: 'US',
        customer: {
          id: `C-${opts.email ?? 'ann'}`,
          email: opts.email ?? 'ann@example.com',
          firstName: 'Ann',
          locale: 'en-US',
          timezone: 'America/New_York',
          marketingConsent: opts.consent ?? true,
        },
        lines: [
          {
            productId: opts.productId ?? 'P1',
            title: 'Console X',
            productType: 'Video Game Console',
            quantity: 1,
            unitPrice: '399.00',
          },
        ],
      },
    },
  };
}
