import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '@react-email/render';
import { createElement } from 'react';
import CrossSell, { type CrossSellProps } from '../../emails/CrossSell.js';
import type { RenderedEmail } from '../../src/mail/render.js';
import { renderCrossSell } from '../../src/mail/render.js';
import { hrefs, imgAlts, item, preview, props } from './fixtures.js';

// Intl puts a no-break space between amount and symbol in many locales.
const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('renderCrossSell with the preview props', () => {
  let mail: RenderedEmail;
  beforeAll(async () => {
    mail = await renderCrossSell(preview);
  });
  const titles = preview.items.map((i) => i.title);

  it('returns a subject, an HTML part and a text part', () => {
    expect(mail.subject).toBe('Everything you need for your Console X');
    expect(mail.html).toMatch(/^<!DOCTYPE html/);
    expect(mail.html).toContain('</html>');
    expect(mail.text.length).toBeGreaterThan(200);
    expect(mail.text).not.toContain('<');
  });

  it('shows titles, formatted prices and reasons in words in both parts', () => {
    for (const part of [mail.html, mail.text]) {
      for (const t of titles) expect(part).toContain(t);
      for (const p of ['$14.99', '$59.99', '$69.99']) expect(part).toContain(p);
      expect(part).toContain('Needed to use your Console X');
      expect(part).toContain('Goes with your Console X');
      expect(part).toContain('Often bought with Console X');
    }
    expect(mail.html).not.toMatch(/needed_for|goes_with|often_bought_with/);
  });

  it('puts the required accessory first even when the recommender listed it second', () => {
    const hdmi = 'Ultra High Speed HDMI 2.1 Cable, 2 m';
    expect(preview.items[1].title).toBe(hdmi);
    for (const part of [mail.html, mail.text]) {
      const others = titles.filter((t) => t !== hdmi).map((t) => part.indexOf(t));
      expect(Math.min(...others)).toBeGreaterThan(part.indexOf(hdmi));
    }
  });

  it('links every product only through its click-tracking href, in both parts', () => {
    const links = hrefs(mail.html);
    const cart = preview.bundle ? preview.bundle.cartHref : undefined;
    const allowed = new Set([...preview.items.map((i) => i.href), preview.unsubscribeUrl, preview.store.url, cart]);
    for (const h of links) expect(allowed).toContain(h);
    for (const i of preview.items) {
      expect(links.filter((h) => h === i.href)).toHaveLength(3); // image, title, button
      expect(mail.text).toContain(i.href);
    }
  });

  it('has the unsubscribe URL in both parts and the store name in the footer', () => {
    expect(hrefs(mail.html)).toContain(preview.unsubscribeUrl);
    expect(mail.text).toContain(`Unsubscribe ${preview.unsubscribeUrl}`);
    expect(mail.text).toContain('recently ordered from Pixel Arcade');
  });

  it('sets lang, a preheader, the store branding and alt text on every image', () => {
    expect(mail.html).toContain('<html dir="ltr" lang="en-US"');
    expect(mail.html).toContain('Needed to use your Console X: Ultra High Speed HDMI 2.1 Cable, 2 m');
    expect(mail.html).toContain('background-color:#1e1b4b');
    expect(mail.html).toContain('background-color:#7c3aed');
    expect(mail.html).toContain(`src="${preview.store.logoUrl}"`);
    const alts = imgAlts(mail.html);
    expect(alts).toHaveLength(preview.items.length + 1);
    for (const alt of alts) expect(alt?.trim()).toBeTruthy();
    expect(alts).toContain('Pixel Arcade');
  });

  it('shows the bundle offer', () => {
    expect(mail.html).toContain('data-bundle-offer');
    expect(mail.text).toContain('Save 10% when you buy these together.');
    expect(mail.text).toContain('PLAYMORE-7QX2K9');
    // Each item's price, the total, the bundle price, the saving, the expiry in the customer's zone.
    for (const s of [
      '$14.99',
      '$144.97',
      'Bundle price',
      '$130.47',
      'You save $14.50',
      'Offer ends Saturday, December 5, 11:59 PM',
    ]) {
      expect(mail.text!.replace(/[\u202f\u00a0]/g, ' ')).toContain(s);
    }
    expect(hrefs(mail.html).filter((h) => h === (preview.bundle && preview.bundle.cartHref))).toHaveLength(1);
  });

  it('uses inline styles only and is not pretty-printed', () => {
    expect(mail.html).not.toMatch(/<style|class="/);
    expect(mail.html).not.toMatch(/>\n\s+</);
  });
});

describe('renderCrossSell by locale', () => {
  it('de-DE: German strings, euro prices, lang="de-DE"', async () => {
    const mail = await renderCrossSell(
      props({ locale: 'de-DE', currency: 'EUR', bought: [{ title: 'Console X' }, { title: 'Kopfhörer' }] }),
    );
    expect(mail.subject).toBe('Alles, was Sie für Console X brauchen');
    expect(mail.html).toContain('lang="de-DE"');
    for (const part of [nbsp(mail.html), nbsp(mail.text)]) {
      expect(part).toContain('14,99 €');
      expect(part).toContain('Benötigt für Console X');
      expect(part).toContain('Passt zu Console X');
      expect(part).toContain('Oft zusammen gekauft mit Console X');
      expect(part).toContain('Sparen Sie 10 %, wenn Sie diese Artikel zusammen kaufen.');
      expect(part).toContain('Bestellung von Console X und Kopfhörer');
    }
    expect(mail.html).toContain('Produkt ansehen'); // the button; skipped in the text part
    expect(mail.text).toContain(`Abmelden ${preview.unsubscribeUrl}`);
    expect(mail.text).toContain('Hallo Ann,');
  });

  it('de-AT and de_DE (underscore) also pick German', async () => {
    for (const locale of ['de-AT', 'de_DE', 'DE']) {
      const mail = await renderCrossSell(props({ locale, currency: 'EUR' }));
      expect(mail.text).toContain('Benötigt für Console X');
    }
  });

  it('fr-FR: French strings and prices', async () => {
    const mail = await renderCrossSell(props({ locale: 'fr-FR', currency: 'EUR' }));
    expect(mail.html).toContain('lang="fr-FR"');
    expect(nbsp(mail.text)).toContain('14,99 €');
    expect(mail.text).toContain('Nécessaire pour utiliser votre Console X');
    expect(mail.text).toContain(`Se désabonner ${preview.unsubscribeUrl}`);
  });

  it('ja-JP JPY: yen without decimals, English fallback text, lang="en"', async () => {
    const mail = await renderCrossSell(
      props({
        locale: 'ja-JP',
        currency: 'JPY',
        items: [item({ productId: 'G1', price: '4980', required: true, reasonCode: 'needed_for' })],
      }),
    );
    expect(mail.text).toMatch(/[¥￥]4,980(?![.,]\d)/);
    expect(mail.text).toContain('Needed to use your Console X');
    expect(mail.html).toContain('lang="en"');
  });

  it('an unknown or malformed locale falls back to English', async () => {
    for (const locale of ['xx-YY', 'pt-BR', '', 'not a locale!']) {
      const mail = await renderCrossSell(props({ locale }));
      expect(mail.subject).toBe('Everything you need for your Console X');
      expect(mail.text).toContain('Hi Ann,');
      expect(mail.html).toContain('lang="en"');
    }
    // Prices still follow the customer's locale where Intl knows it.
    expect(nbsp((await renderCrossSell(props({ locale: 'pt-BR' }))).text)).toContain('US$ 14,99');
    expect((await renderCrossSell(props({ locale: 'not a locale!' }))).text).toContain('$14.99');
  });
});

describe('renderCrossSell edge props', () => {
  it('no bundle block when bundle is null, false or missing', async () => {
    for (const bundle of [null, false, undefined] as const) {
      const mail = await renderCrossSell(props({ bundle }));
      expect(mail.html).not.toContain('data-bundle-offer');
      expect(mail.text).not.toContain('Bundle offer');
      expect(mail.text).not.toContain('PLAYMORE10');
    }
  });

  it('no required item: no badge, recommender order kept, plain subject', async () => {
    const items = [
      item({ productId: 'A', title: 'Game A' }),
      item({ productId: 'B', title: 'Game B', reasonCode: 'often_bought_with' }),
    ];
    const mail = await renderCrossSell(props({ items }));
    expect(mail.subject).toBe('Picked for your Console X');
    expect(mail.text.indexOf('Game A')).toBeLessThan(mail.text.indexOf('Game B'));
    expect(mail.text).not.toContain('Needed to use');
  });

  it('omits what is missing: first name, images, prices, logo, bought list', async () => {
    const p = props({
      customer: {},
      bought: [],
      store: { name: 'Tiny Shop', url: 'https://tiny.example', colors: { brand: '#fde68a', accent: '#0f766e' } },
      items: [
        item({ productId: 'X1', title: 'Plain item' }),
        item({ productId: 'X2', title: 'Bad price', price: 'n/a' }),
      ],
    });
    const mail = await renderCrossSell(p);
    expect(mail.text).toContain('Hi there,');
    expect(mail.text).toContain('Thanks for your recent order.');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toMatch(/NaN|undefined|null/);
    expect(mail.html).toContain('Tiny Shop');
    expect(mail.subject).toBe('Picked for your Console X');
    // A pale brand colour gets dark header text.
    expect(mail.html).toMatch(
      /<a[^>]*color:#111827[^>]*href="https:\/\/tiny\.example"|href="https:\/\/tiny\.example"[^>]*color:#111827/,
    );
  });

  it('keeps query strings in tracked links intact and escapes titles', async () => {
    const evil = item({
      productId: 'E',
      title: '<script>alert(1)</script> & "Cable"',
      required: true,
      reasonCode: 'needed_for',
    });
    const mail = await renderCrossSell(props({ items: [evil] }));
    expect(mail.html).not.toContain('<script>');
    expect(hrefs(mail.html)).toContain(evil.href);
    expect(mail.text).toContain(evil.href);
    expect(mail.text).toContain('<script>alert(1)</script> & "Cable"');
  });

  it('more than three bought products: a generic greeting instead of a long list', async () => {
    const bought = ['A', 'B', 'C', 'D'].map((title) => ({ title }));
    const mail = await renderCrossSell(props({ bought }));
    expect(mail.text).toContain('Thanks for your recent order.');
  });

  it('uses a given preheader', async () => {
    const mail = await renderCrossSell(props({ preheader: 'Your Console X is on its way' }));
    expect(mail.html).toContain('Your Console X is on its way');
    expect(mail.text).not.toContain('Your Console X is on its way');
  });

  it('renders the preview data when called without props (`email export` does that)', async () => {
    const html = await render(createElement(CrossSell, {} as CrossSellProps));
    expect(html).toContain('Needed to use your Console X');
  });

  it('refuses an email without items', async () => {
    await expect(renderCrossSell(props({ items: [] }))).rejects.toThrow(/items is empty/);
  });
});
