// Many stores, one deployment (issue 19): two Shopify shops and a WooCommerce site, each with its
// own sender, branding, timing rules and postal address, served by one process. Real payloads,
// re-signed with each store's own test secret.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, tempDir, until, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { importCatalog } from '../../src/import/import-catalog.js';
import { fixtureText, liveShopifyOrder, postShopifyRaw, postWoo } from '../ingest/routes/support.js';
import { hrefs, PUBLIC_URL } from '../delivery/support.js';
import { bearer } from '../admin/support.js';
import { aftercartBin, projectRoot } from '../support/processes.js';

const execFileP = promisify(execFile);

const ALPHA = 'alpha-shop.myshopify.com';
const BETA = 'beta-shop.myshopify.com';
const GAMMA = 'gamma.example'; // a WooCommerce site, keyed by its host
const OTHER_SITE = 'other-site.example';
const DELTA = 'delta.example'; // a second WooCommerce site with its own secret

// Two Shopify apps (one per shop) and one secret per WooCommerce site.
const APP_ONE = 'shopify-app-one-secret';
const APP_TWO = 'shopify-app-two-secret';
const GAMMA_SECRET = 'gamma=secret, with spaces';
const OTHER_SECRET = 'other-site-secret';

const SHOPIFY_ORDER = '820982911946154500'; // created 2022-01-01T00:00:00Z
const SHOPIFY_PRODUCT = '788032119674292900'; // typed "Shirts" by the products/create fixture
const WOO_ORDER = '727'; // created 2017-03-22T19:28:02Z
const WOO_PRODUCT = '93';

const store = (name: string, host: string, brand: string, address: string) => ({
  name,
  url: `https://${host}`,
  from: `${name} <hello@${host}>`,
  replyTo: `care@${host}`,
  colors: { brand, accent: brand },
  address,
});

const config = {
  store: { name: 'Agency Default', url: 'https://agency.example', from: 'Agency <hi@agency.example>' },
  timing: {
    // Without a store's own rule nothing is sent before fulfilment (which never comes here).
    default: { after: 'fulfilled' as const, delay: '3d' },
    rules: [
      { when: { productType: ['Shirts', 'Clothing'] }, after: 'fulfilled' as const, delay: '1d', name: 'top-level' },
    ],
    quietHours: false as const,
    expireAfter: '4000d', // the fixtures' orders are from 2017 and 2021
  },
  eligibility: { requireConsent: false },
  stores: {
    [ALPHA]: {
      store: store('Alpha Apparel', 'alpha.example', '#aa0011', '1 Alpha Road\nSpringfield, IL 62701'),
      timing: {
        rules: [{ when: { productType: ['Shirts'] }, after: 'order' as const, delay: '2h', name: 'alpha-shirts' }],
      },
    },
    [BETA]: {
      store: store('Beta Boutique', 'beta.example', '#00bb22', '2 Beta Street, Shelbyville'),
      timing: {
        rules: [{ when: { productType: ['Shirts'] }, after: 'order' as const, delay: '5h', name: 'beta-shirts' }],
      },
    },
    // Configured without an address of its own (and the top level has none): warned about.
    [DELTA]: { store: { name: 'Delta Deals' } },
    [GAMMA]: {
      store: { ...store('Gamma Goods', GAMMA, '#0033cc', 'Gamma GmbH\nHauptstraße 3\n10115 Berlin'), locale: 'de-DE' },
      timing: {
        rules: [{ when: { productType: ['Clothing'] }, after: 'order' as const, delay: '3h', name: 'gamma-clothing' }],
      },
    },
  },
};

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const skip = missing('postgres', 'redis');

describe.skipIf(skip)('many stores in one deployment (Postgres + Redis + SMTP)', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  const logLines: string[] = [];
  const mails = new Map<string, ParsedMail>();

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services',
      config,
      smtpUrl: smtp.url,
      logLines,
      env: {
        LOG_LEVEL: 'warn',
        SHOPIFY_WEBHOOK_SECRETS: `${APP_ONE}, ${APP_TWO}`,
        WOOCOMMERCE_WEBHOOK_SECRETS: `${GAMMA}=${GAMMA_SECRET} ${OTHER_SITE}=${OTHER_SECRET}`,
      },
    });
    const dir = await tempDir();
    for (const [key, host, product, type] of [
      [ALPHA, 'alpha.example', SHOPIFY_PRODUCT, undefined],
      [BETA, 'beta.example', SHOPIFY_PRODUCT, undefined],
      [GAMMA, GAMMA, WOO_PRODUCT, 'Clothing'],
    ] as const) {
      const file = path.join(dir, `${key}.jsonl`);
      const products = [
        {
          id: product,
          title: 'Bought',
          ...(type && { productType: type }),
          price: '10.00',
          complements: [{ id: 'ACC-1' }],
        },
        {
          id: 'ACC-1',
          title: `Care Kit of ${host}`,
          productType: 'Accessory',
          price: '12.00',
          url: `https://${host}/p/acc-1`,
        },
      ];
      await writeFile(file, products.map((p) => JSON.stringify(p)).join('\n'));
      expect((await importCatalog(app.db.pool, key, file, { storeUrl: `https://${host}/` })).failed).toEqual([]);
    }
    for (const [shop, secret] of [
      [ALPHA, APP_ONE],
      [BETA, APP_TWO],
    ] as const) {
      const product = fixtureText('shopify-products-create.json');
      expect(
        (await postShopifyRaw(app, 'products/create', product, { shop, signature: hmac(secret, product) })).status,
      ).toBe(200);
      const order = liveShopifyOrder('shopify-orders-create.json');
      expect((await postShopifyRaw(app, 'orders/create', order, { shop, signature: hmac(secret, order) })).status).toBe(
        200,
      );
    }
    const order = fixtureText('woocommerce-order-created.json');
    expect(
      (await postWoo(app, 'order.created', order, { site: `https://${GAMMA}/`, signature: hmac(GAMMA_SECRET, order) }))
        .status,
    ).toBe(200);
    await smtp.waitFor(3, 15_000);
    for (const m of smtp.messages) mails.set(m.from!.value[0]!.address!, m);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  const sent = (store: string, orderId: string) =>
    until(async () => (await explainOrder(app.db.pool, orderId, store)).find((e) => e.status === 'sent'), 10_000);

  it.each([
    [
      ALPHA,
      SHOPIFY_ORDER,
      'alpha.example',
      'Alpha Apparel',
      '#aa0011',
      ['1 Alpha Road', 'Springfield, IL 62701'],
      'alpha-shirts',
      '2022-01-01T02:00:00.000Z',
    ],
    [
      BETA,
      SHOPIFY_ORDER,
      'beta.example',
      'Beta Boutique',
      '#00bb22',
      ['2 Beta Street, Shelbyville'],
      'beta-shirts',
      '2022-01-01T05:00:00.000Z',
    ],
    [
      GAMMA,
      WOO_ORDER,
      GAMMA,
      'Gamma Goods',
      '#0033cc',
      ['Gamma GmbH', 'Hauptstraße 3', '10115 Berlin'],
      'gamma-clothing',
      '2017-03-22T22:28:02.000Z',
    ],
  ])(
    '%s: its own From, name, colours, rule-decided due time and footer address',
    async (key, orderId, host, name, colour, address, rule, dueAt) => {
      const mail = mails.get(`hello@${host}`);
      expect(mail, `an email from hello@${host}`).toBeDefined();
      expect(mail!.from!.value[0]!.name).toBe(name);
      expect(mail!.replyTo?.value[0]?.address).toBe(`care@${host}`);
      expect(mail!.html).toContain(name);
      expect(String(mail!.html).toLowerCase()).toContain(`background-color:${colour}`);
      for (const line of address) {
        expect(mail!.text).toContain(line);
        expect(mail!.html).toContain(line);
      }
      // Another store's address or name never appears.
      for (const other of ['1 Alpha Road', '2 Beta Street', 'Hauptstraße 3'].filter(
        (l) => !address.join('\n').includes(l),
      ))
        expect(mail!.text).not.toContain(other);
      expect(mail!.html).not.toContain('Agency Default');

      const decision = await sent(key, orderId);
      expect(decision.rule).toMatchObject({ name: rule });
      expect(decision.dueAt).toBe(dueAt);
      // The product link goes through the store's own host.
      const click = hrefs(mail!.html).find((h) => h.startsWith(`${PUBLIC_URL}/c/`))!;
      const res = await fetch(app.base + click.slice(PUBLIC_URL.length), { redirect: 'manual' });
      expect(res.headers.get('location')).toMatch(new RegExp(`^https://${host.replace(/\./g, '\\.')}/p/acc-1\\?`));
    },
  );

  it.each([
    [`hello@alpha.example`, 'Alpha Apparel', '#aa0011', 'Unsubscribe'],
    [`hello@beta.example`, 'Beta Boutique', '#00bb22', 'Unsubscribe'],
    // The WooCommerce order names no locale: the page speaks the store's language (de-DE).
    [`hello@${GAMMA}`, 'Gamma Goods', '#0033cc', 'Abmelden'],
  ])('the unsubscribe page of the email from %s is branded for its store', async (from, name, colour, heading) => {
    const mail = mails.get(from)!;
    const link = hrefs(mail.html).find((h) => h.startsWith(`${PUBLIC_URL}/u/`))!;
    const page = await (await fetch(app.base + link.slice(PUBLIC_URL.length))).text();
    expect(page).toContain(name);
    expect(page).toContain(`background:${colour}`);
    expect(page).toContain(heading);
    for (const other of ['Alpha Apparel', 'Beta Boutique', 'Gamma Goods', 'Agency Default'].filter((n) => n !== name))
      expect(page).not.toContain(other);
  });

  it("a WooCommerce delivery signed with one site's secret naming another site is refused 401", async () => {
    const body = fixtureText('woocommerce-order-updated.json');
    const as = (site: string, secret: string) =>
      postWoo(app, 'order.updated', body, { site: `https://${site}/`, signature: hmac(secret, body) });
    expect((await as(OTHER_SITE, GAMMA_SECRET)).status).toBe(401);
    expect((await as(GAMMA, OTHER_SECRET)).status).toBe(401);
    // The deployment-wide secret does not speak for a site that has its own.
    expect((await as(GAMMA, 'woo-test-secret')).status).toBe(401);
    expect((await as(GAMMA, GAMMA_SECRET)).status).toBe(200);
  });

  it('each Shopify app secret is tried in turn; a wrong one is refused', async () => {
    const body = fixtureText('shopify-customers-update.json');
    expect(
      (await postShopifyRaw(app, 'customers/update', body, { shop: BETA, signature: hmac(APP_ONE, body) })).status,
    ).toBe(200);
    expect(
      (await postShopifyRaw(app, 'customers/update', body, { shop: BETA, signature: hmac(APP_TWO, body) })).status,
    ).toBe(200);
    expect(
      (await postShopifyRaw(app, 'customers/update', body, { shop: BETA, signature: hmac('not-an-app-secret', body) }))
        .status,
    ).toBe(401);
  });
});

describe.skipIf(skip)('which settings applied, and stores without a postal address', () => {
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', config, workers: false });
    dir = await tempDir();
    await writeFile(path.join(dir, 'aftercart.config.json'), JSON.stringify(config));
    // The product's type ("Shirts") comes from the products/create payload, as alpha's rule needs.
    expect(
      (await postShopifyRaw(app, 'products/create', fixtureText('shopify-products-create.json'), { shop: ALPHA }))
        .status,
    ).toBe(200);
    const order = liveShopifyOrder('shopify-orders-create.json');
    expect((await postShopifyRaw(app, 'orders/create', order, { shop: ALPHA })).status).toBe(200);
  });
  afterAll(async () => app?.stop());

  const cli = async (args: string[]) => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AFTERCART_CONFIG: path.join(dir, 'aftercart.config.json'),
      AFTERCART_DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: app.settings.env.DATABASE_URL!,
    };
    return execFileP('node', [aftercartBin, ...args], { cwd: projectRoot, env, timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  };

  it('stats --store names the settings in force; a store nobody knows is one line and a non-zero exit', async () => {
    const none = await cli(['stats', '--store', 'nosuch.myshopify.com']);
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/^aftercart stats: no such store "nosuch\.myshopify\.com"/);
    const alpha = await cli(['stats', '--store', ALPHA, '--json']);
    expect(alpha.code).toBe(0);
    expect(JSON.parse(alpha.stdout)).toMatchObject({
      store: ALPHA,
      received: 1,
      settings: `stores["${ALPHA}"] over the top-level settings`,
    });
  }, 90_000);

  it("explain words the decision with the store's own rule and says which settings applied", async () => {
    const r = await cli(['explain', SHOPIFY_ORDER, '--store', ALPHA, '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.settings).toBe(`stores["${ALPHA}"] over the top-level settings`);
    expect(e.rule).toMatchObject({ name: 'alpha-shirts' });
  }, 90_000);

  it('a configured store without store.address is named at start-up and on the admin dashboard', async () => {
    const lines: string[] = [];
    const other = await startTestApp({
      setup: 'services',
      config,
      workers: false,
      logLines: lines,
      env: { LOG_LEVEL: 'warn' },
    });
    await other.stop();
    const warning = lines.map((l) => JSON.parse(l)).find((l) => /no store\.address/.test(l.msg));
    // Stores without an entry of their own fall back to the top level, which has none either.
    expect(warning?.stores).toEqual(['(top-level settings)', DELTA]);

    const page = await (
      await fetch(`${app.base}/admin?store=${encodeURIComponent(ALPHA)}`, { headers: bearer() })
    ).text();
    expect(page).toMatch(
      /id="missing-address"[^>]*>No postal address \(<code>store\.address<\/code>\) for delta\.example:/,
    );
    // The store picker offers the stores with data or settings; the chosen one's settings are named.
    for (const store of [ALPHA, BETA, GAMMA, DELTA]) expect(page).toContain(`<option value="${store}"`);
    expect(page).toContain(`<option value="${ALPHA}" selected>`);
    expect(page).toContain(`settings: stores[&quot;${ALPHA}&quot;] over the top-level settings`);
  });
});
