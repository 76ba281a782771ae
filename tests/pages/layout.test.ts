// Browser check of the customer-facing HTML: the cross-sell email and the unsubscribe page must
// not overflow horizontally at phone widths (320, 375) or the 600 px desktop column. Uses the
// Debian chromium package (playwright-core downloads no browser here). Screenshots go to
// test-artifacts/ for a human look.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderUnsubscribePage } from '../../src/http/pages/unsubscribe-page.js';
import { renderCrossSell } from '../../src/mail/render.js';
import { item, placeholderImage, props } from '../mail/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const WIDTHS = [320, 375, 600];
const haveChromium = existsSync(CHROMIUM);
const inCI = process.env.CI === 'true';

if (!haveChromium && !inCI) {
  console.warn(
    `[layout.test] SKIPPED: ${CHROMIUM} not found. Install it with: apt-get update && apt-get install -y chromium`,
  );
}

describe.runIf(!haveChromium && inCI)('layout (CI)', () => {
  it('needs Debian chromium', () => {
    throw new Error(`${CHROMIUM} is missing; CI must install the Debian "chromium" package for browser tests`);
  });
});

async function emailCases(): Promise<Record<string, string>> {
  const logo = `data:image/svg+xml;base64,${Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="0" y="29" font-family="sans-serif" font-size="24" font-weight="700" fill="#fff">PIXEL ARCADE</text></svg>',
  ).toString('base64')}`;
  const english = props();
  english.store.logoUrl = logo;
  english.items = english.items.map((i, n) => ({ ...i, imageUrl: placeholderImage(['Game', 'HDMI', 'Pad'][n]) }));

  // German, no logo, long unbroken titles, a long bundle code: the worst case for 320 px.
  const german = props({
    locale: 'de-DE',
    currency: 'EUR',
    customer: { firstName: 'Maximiliane-Friederike' },
    bought: [{ title: 'Console X Digital Edition' }, { title: 'Kopfhörer' }],
    store: {
      name: 'Spielwarenfachhandel Müller-Lüdenscheidt GmbH',
      url: 'https://mueller.example',
      colors: { brand: '#fde68a', accent: '#0f766e' },
    },
    bundle: { percent: 15, code: 'WEIHNACHTSBUNDLE2026SPAREN' },
    items: [
      item({
        productId: 'A',
        title: 'Ultrahochgeschwindigkeits-HDMI-2.1-Verbindungskabel-mit-Ethernet',
        price: '19.99',
        imageUrl: placeholderImage('HDMI', '#99f6e4'),
        required: true,
        reasonCode: 'needed_for',
        anchorTitle: 'Console X Digital Edition',
      }),
      item({
        productId: 'B',
        title: 'Netzteil',
        price: '1249.00',
        imageUrl: placeholderImage('PSU', '#99f6e4'),
        required: true,
        reasonCode: 'needed_for',
        anchorTitle: 'Console X Digital Edition',
      }),
      item({
        productId: 'C',
        title: 'Controller ohne Bild und ohne Preis',
        reasonCode: 'often_bought_with',
        anchorTitle: 'Console X Digital Edition',
      }),
    ],
  });
  // The priced bundle panel (issue #18): long titles, a four-digit total, a long code, the cart button.
  const bundle = props({
    ...german,
    bundle: {
      percent: 12.5,
      code: 'WEIHNACHTSBUNDLE-7QX2K9ABCD',
      items: [
        { title: 'Ultrahochgeschwindigkeits-HDMI-2.1-Verbindungskabel-mit-Ethernet', price: '19.99' },
        { title: 'Netzteil', price: '1249.00' },
      ],
      total: '1268.99',
      discounted: '1110.37',
      saving: '158.62',
      expiresAt: '2026-12-06T22:59:00Z',
      timezone: 'Europe/Berlin',
      cartHref: 'https://aftercart.test/c/abc.def',
    },
  });
  return {
    'email-bundle-de': (await renderCrossSell(bundle)).html,
    'email-en': (await renderCrossSell(english)).html,
    'email-de-worst-case': (await renderCrossSell(german)).html,
  };
}

function pageCases(): Record<string, string> {
  return {
    'unsubscribe-confirm-en': renderUnsubscribePage({
      state: 'confirm',
      storeName: 'Pixel Arcade',
      locale: 'en-US',
      action: '/u/t',
    }),
    'unsubscribe-done-de': renderUnsubscribePage({
      state: 'done',
      storeName: 'Spielwarenfachhandel Müller-Lüdenscheidt GmbH',
      locale: 'de-DE',
      action: '/u/t',
    }),
    'unsubscribe-invalid-fr': renderUnsubscribePage({
      state: 'invalid',
      storeName: 'Pixel Arcade',
      locale: 'fr-FR',
      action: '/u/t',
    }),
  };
}

describe.skipIf(!haveChromium)('layout in Chromium', () => {
  let browser: Browser;
  let cases: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    cases = { ...(await emailCases()), ...pageCases() };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const names = [
    'email-en',
    'email-bundle-de',
    'email-de-worst-case',
    'unsubscribe-confirm-en',
    'unsubscribe-done-de',
    'unsubscribe-invalid-fr',
  ];
  for (const name of names) {
    for (const width of WIDTHS) {
      it(`${name} fits ${width} px`, async () => {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        try {
          // Nothing leaves the machine: test images are data: URIs, anything else is refused.
          await page.route(/^https?:/, (route) => route.abort());
          await page.setContent(cases[name], { waitUntil: 'load' });
          const m = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            images: [...document.images].map((img) => ({
              alt: img.alt,
              loaded: img.naturalWidth > 0,
              right: img.getBoundingClientRect().right,
            })),
            widest: Math.max(...[...document.body.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right)),
          }));
          await page.screenshot({ path: `${ARTIFACTS}${name}-${width}.png`, fullPage: true });

          expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
          expect(m.widest).toBeLessThanOrEqual(m.innerWidth);
          for (const img of m.images) {
            expect(img.alt.trim()).not.toBe('');
            expect(img.loaded).toBe(true);
            expect(img.right).toBeLessThanOrEqual(m.innerWidth);
          }
        } finally {
          await page.close();
        }
      });
    }
  }
});
