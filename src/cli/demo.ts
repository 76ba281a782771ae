// aftercart demo: a self-contained run. Starts the pipeline (embedded defaults unless the
// environment says otherwise), posts a sample store's signed webhooks with timing compressed
// to seconds, waits for the emails and prints where they landed. It runs on a data dir of its
// own, <data dir>/demo: its compressed timing needs its own pipeline, so it works beside a
// running `npm start` and never mixes sample orders into the store's data.
import { randomBytes, createHmac } from 'node:crypto';
import path from 'node:path';
import { loadSettings, parseConfig, type Settings } from '../config/load.js';
import { openApp, type App } from '../app.js';
import { explainOrder } from '../explain/explain-order.js';

const STORE = 'demo';

type Say = (line: string) => void;
type Post = (event: object) => Promise<void>;

export async function run(): Promise<number> {
  const secret = process.env.STANDARD_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64')}`;
  const settings = await demoSettings(secret);
  const app = await openApp(settings, { http: true, workers: true, migrate: true, command: 'demo' });
  const say: Say = (line) => process.stdout.write(line + '\n');
  try {
    say(
      `aftercart demo: listening on ${app.address} (database: ${app.db.embedded ? 'embedded PGlite' : 'PostgreSQL'}, queue: ${app.queue.kind}, mail: ${app.mailer.kind})`,
    );
    await postSampleStore(webhookPoster(app.address, secret), say);
    await reportDecisions(app, say);
    if (app.mailer.outboxDir) say(`emails written to ${path.resolve(app.mailer.outboxDir)}`);
    else say('emails handed to the SMTP server (SMTP_URL)');
    return 0;
  } finally {
    await app.close();
  }
}

/** The environment's settings on a data dir of the demo's own, with a sample store and compressed timing. */
async function demoSettings(secret: string): Promise<Settings> {
  const settings = await loadSettings({
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    ...process.env,
    STANDARD_WEBHOOK_SECRET: secret,
  });
  settings.env.AFTERCART_DATA_DIR = path.join(settings.env.AFTERCART_DATA_DIR, 'demo');
  // Compressed timing: console buyers hear in 2 s, everyone else 3 s after fulfilment.
  settings.config = parseConfig({
    store: { name: 'Demo Games', url: 'https://demo.example', from: 'Demo Games <hello@demo.example>' },
    timing: {
      default: { after: 'fulfilled', delay: '3s' },
      rules: [
        { when: { productType: ['Video Game Console'] }, after: 'order', delay: '2s' },
        { when: { tags: ['gift-card'] }, skip: true },
      ],
      quietHours: false,
    },
    recommend: { maxItems: 3, bundle: { percent: 10, code: 'DEMO10' } },
  });
  return settings;
}

/** Posts an event as a signed Standard Webhooks request, as a store's platform would. */
function webhookPoster(address: App['address'], secret: string): Post {
  return async (event) => {
    const body = JSON.stringify(event);
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const ts = Math.floor(Date.now() / 1000);
    const key = Buffer.from(secret.split(' ')[0]!.slice('whsec_'.length), 'base64');
    const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
    const res = await fetch(`${address}/webhooks/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,${sig}`,
      },
      body,
    });
    if (res.status !== 200) throw new Error(`demo webhook answered ${res.status}: ${await res.text()}`);
  };
}

/** The catalog, three orders, and the fulfilment of the one timed after fulfilment. */
async function postSampleStore(post: Post, say: Say): Promise<void> {
  for (const product of catalog()) await post({ type: 'product.upserted', data: { store: STORE, product } });
  say(`posted ${catalog().length} products`);
  const now = new Date().toISOString();
  await post(order('D-1001', 'ann@example.com', 'Ann', 'en-US', 'P1'));
  await post(order('D-1002', 'ben@example.de', 'Ben', 'de-DE', 'P5'));
  await post(order('D-1003', 'cat@example.com', 'Cat', 'en-GB', 'P1', false));
  say(
    'posted 3 signed orders: a console (due in 2 s), a headset (due 3 s after fulfilment), a console without marketing consent',
  );
  await new Promise((r) => setTimeout(r, 500));
  await post({ type: 'order.fulfilled', data: { store: STORE, orderId: 'D-1002', at: now } });
  say("posted the headset order's fulfilment");
}

/** Waits (up to 20 s) until every sample order is decided, then prints each decision. */
async function reportDecisions(app: App, say: Say): Promise<void> {
  const ids = ['D-1001', 'D-1002', 'D-1003'];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const decided = await Promise.all(ids.map(async (id) => (await explainOrder(app.db.pool, id, STORE))[0]));
    if (decided.every((d) => d && !['waiting', 'scheduled', 'sending'].includes(d.status)) || Date.now() > deadline) {
      for (const d of decided)
        if (d)
          say(
            `  order ${d.orderId}: ${d.status}${d.reason ? ` (${d.reason})` : ''}${d.items.length ? ` — ${d.items.map((i) => i.title).join(', ')}` : ''}`,
          );
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function catalog() {
  const p = (id: string, title: string, productType: string, price: string, extra: object = {}) => ({
    id,
    title,
    productType,
    price,
    currency: 'USD',
    available: true,
    url: `https://demo.example/p/${id}`,
    imageUrl: `https://demo.example/i/${id}.png`,
    ...extra,
  });
  return [
    p('P1', 'Console X', 'Video Game Console', '399.00', {
      complements: [{ id: 'P3', required: true }, { id: 'P2' }, { id: 'P4' }],
    }),
    p('P2', 'Space Quest', 'Video Game', '59.99', { complements: [{ id: 'P6' }] }),
    p('P3', 'HDMI 2.1 Cable', 'Cable', '19.99'),
    p('P4', 'Pro Controller', 'Controller', '69.99'),
    p('P5', 'Studio Headset', 'Headset', '129.00', { complements: [{ id: 'P7' }, { id: 'P4' }] }),
    p('P6', 'Space Quest Soundtrack', 'Music', '14.99'),
    p('P7', 'Headset Stand', 'Accessory', '24.99'),
  ];
}

function order(id: string, email: string, firstName: string, locale: string, productId: string, consent = true) {
  const product = catalog().find((p) => p.id === productId)!;
  return {
    type: 'order.created',
    data: {
      store: STORE,
      order: {
        id,
        createdAt: new Date().toISOString(),
        currency: 'USD',
        shippingCountry: locale.endsWith('DE') ? 'DE' : 'US',
        customer: { id: `C-${firstName}`, email, firstName, locale, marketingConsent: consent },
        lines: [
          { productId, title: product.title, productType: product.productType, quantity: 1, unitPrice: product.price },
        ],
      },
    },
  };
}
