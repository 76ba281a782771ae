// Helpers for the delivery suites: orders built by hand (locale, name, consent), the cross-sell
// row of an order, links found in a received email, and the set-up of suites that run
// deliver() themselves.
import { afterAll, beforeAll } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { ConfigInput } from '../../src/config/schema.js';
import { sampleProducts, startTestApp, type TestApp } from '../support/app.js';
import { sleep, startSmtpSink, until, type SmtpSink } from '../support/services.js';
import { PostgresItemPicker } from '../../src/recommend/pick-from-database.js';
import type { DeliverDeps } from '../../workers/deliver.js';

export const PUBLIC_URL = 'https://aftercart.test';

/** Sends are due one second after the order; no quiet hours; a cap nobody reaches. */
export function deliveryConfig(extra: Partial<ConfigInput> = {}): ConfigInput {
  return {
    timing: { default: { after: 'order', delay: '1s' }, quietHours: false, frequencyCap: { max: 100, per: '1d' } },
    ...extra,
  };
}

export interface OrderOptions {
  store?: string;
  email?: string;
  firstName?: string;
  locale?: string;
  timezone?: string;
  consent?: boolean;
  productId?: string;
  title?: string;
  productType?: string;
  unitPrice?: string;
  currency?: string;
  createdAt?: Date;
}

/** An `order.created` event, every customer field settable (sampleOrder fixes locale and name). */
export function orderEvent(id: string, o: OrderOptions = {}) {
  const email = o.email ?? 'ann@example.com';
  return {
    type: 'order.created',
    data: {
      store: o.store ?? 'demo',
      order: {
        id,
        createdAt: (o.createdAt ?? new Date()).toISOString(),
        currency: o.currency ?? 'USD',
        shippingCountry: 'US',
        customer: {
          id: `C-${email}`,
          email,
          firstName: o.firstName ?? 'Ann',
          locale: o.locale ?? 'en-US',
          timezone: o.timezone ?? 'America/New_York',
          marketingConsent: o.consent ?? true,
        },
        lines: [
          {
            productId: o.productId ?? 'P1',
            title: o.title ?? 'Console X',
            productType: o.productType ?? 'Video Game Console',
            quantity: 1,
            unitPrice: o.unitPrice ?? '399.00',
          },
        ],
      },
    },
  };
}

export interface CrossSellRow {
  id: string;
  store: string;
  order_id: string;
  status: string;
  reason: string | null;
  attempts: number;
  items: { productId: string; url?: string; href?: string; price?: string }[] | null;
  message_id: string | null;
  sent_at: Date | null;
}

export async function crossSellOf(app: TestApp, orderId: string, store = 'demo'): Promise<CrossSellRow | undefined> {
  const { rows } = await app.db.pool.query<CrossSellRow>(
    `SELECT id::text AS id, store, order_id, status, reason, attempts, items, message_id, sent_at FROM cross_sells WHERE store = $1 AND order_id = $2`,
    [store, orderId],
  );
  return rows[0];
}

/** Waits until the order's cross-sell reaches one of `statuses`, and returns the row. */
export function settled(
  app: TestApp,
  orderId: string,
  statuses: string[] = ['sent', 'skipped', 'failed', 'cancelled'],
  timeoutMs = 10_000,
): Promise<CrossSellRow> {
  return until(async () => {
    const row = await crossSellOf(app, orderId);
    return row && statuses.includes(row.status) ? row : undefined;
  }, timeoutMs);
}

/** The one email sent to `email` among the sink's messages (undefined if none). */
export function mailTo(sink: { messages: ParsedMail[] }, email: string): ParsedMail[] {
  return sink.messages.filter((m) => {
    const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
    return to.some((a) => a.value.some((v) => v.address?.toLowerCase() === email.toLowerCase()));
  });
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#x27;': "'",
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
};

/** Every <a href> of an HTML part, entity-decoded, in document order. */
export function hrefs(html: string | false | undefined): string[] {
  if (!html) return [];
  return [...html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)].map((m) =>
    m[1]!.replace(/&(amp|quot|#x27|#39|lt|gt);/g, (e) => ENTITIES[e]!),
  );
}

/** A link from an email, pointed at the test app instead of PUBLIC_URL. */
export function local(app: TestApp, url: string): string {
  if (!url.startsWith(PUBLIC_URL + '/')) throw new Error(`not a link on ${PUBLIC_URL}: ${url}`);
  return app.base + url.slice(PUBLIC_URL.length);
}

/** Intl puts a (narrow) no-break space between amount and symbol in many locales. */
export const plainSpaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** What deliver() needs, from a test app started without workers (the test runs deliver itself). */
export function deliverDeps(app: TestApp): DeliverDeps {
  const config = () => app.settings.config;
  return {
    pool: app.db.pool,
    config,
    mailer: app.mailer,
    links: app.links,
    publicUrl: app.settings.env.PUBLIC_URL.replace(/\/$/, ''),
    items: new PostgresItemPicker(app.db.pool, config),
    log: app.log,
  };
}

/** deliver()'s postpone for tests where nothing should be postponed. */
export const noPostpone = async (): Promise<never> => {
  throw new Error('not expected to postpone');
};

/** Posts an order and waits until its cross-sell is due; returns the cross-sell id. */
export async function dueCrossSell(app: TestApp, orderId: string, email: string): Promise<string> {
  const res = await app.postEvent(orderEvent(orderId, { email }));
  if (res.status !== 200) throw new Error(`order ${orderId}: ${res.status}`);
  const row = await crossSellOf(app, orderId);
  if (row?.status !== 'scheduled')
    throw new Error(`order ${orderId}: cross-sell ${row?.status ?? 'missing'}, not scheduled`);
  await sleep(1_200); // past its due time (deliveryConfig: one second after the order)
  return row.id;
}

/**
 * A test app that sells sampleProducts() and sends to `smtpUrl`, timed by deliveryConfig():
 * what every delivery suite starts from. `opts` overrides (e.g. `workers: false`, `setup`).
 */
export async function startStore(
  smtpUrl: string,
  opts: Partial<Parameters<typeof startTestApp>[0]> = {},
): Promise<TestApp> {
  const app = await startTestApp({ setup: 'services', config: deliveryConfig(), smtpUrl, ...opts });
  for (const p of sampleProducts()) {
    const res = await app.postEvent(p);
    if (res.status !== 200) throw new Error(`product ${p.data.product.id}: ${res.status} ${await res.text()}`);
  }
  return app;
}

/** A store with workers and an SMTP sink for the whole suite, handed to `use` once started. */
export function storeSuite(
  use: (app: TestApp, smtp: SmtpSink) => void,
  opts: Partial<Parameters<typeof startTestApp>[0]> = {},
): void {
  let app: TestApp | undefined;
  let smtp: SmtpSink | undefined;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startStore(smtp.url, opts);
    use(app, smtp);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });
}

export interface DeliverySuite {
  app: TestApp;
  smtp: SmtpSink;
  deps: DeliverDeps;
  /** dueCrossSell() on this suite's app. */
  dueCrossSell(orderId: string, email: string): Promise<string>;
}

/**
 * For a suite whose tests run deliver() themselves: an SMTP sink, the store without workers
 * (nothing else processes cross-sells) and deliver()'s deps, started before the suite's tests
 * and stopped after them. Read the fields inside tests, once they are set.
 */
export function deliverySuite(): DeliverySuite {
  const suite = {
    dueCrossSell: (orderId: string, email: string) => dueCrossSell(suite.app, orderId, email),
  } as DeliverySuite;
  beforeAll(async () => {
    suite.smtp = await startSmtpSink();
    suite.app = await startStore(suite.smtp.url, { workers: false });
    suite.deps = deliverDeps(suite.app);
  });
  afterAll(async () => {
    await suite.app?.stop();
    await suite.smtp?.close();
  });
  return suite;
}
