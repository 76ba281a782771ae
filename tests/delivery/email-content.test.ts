// What the SMTP server actually received for a cross-sell, parsed with mailparser: both parts,
// the RFC 8058 headers, a stable Message-ID, tracked links only, prices and strings per locale,
// and the bundle block when the store configures one.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { TestApp } from '../support/app.js';
import { headerValue, missing, type SmtpSink } from '../support/services.js';
import { parseConfig } from '../../src/config/load.js';
import {
  crossSellOf,
  hrefs,
  mailTo,
  orderEvent,
  plainSpaces,
  PUBLIC_URL,
  settled,
  type CrossSellRow,
  storeSuite,
} from './support.js';

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('the email a customer receives (Postgres + Redis + SMTP)', () => {
  let app: TestApp;
  let smtp: SmtpSink;

  storeSuite((a, s) => {
    app = a;
    smtp = s;
  });

  async function sendOne(
    orderId: string,
    opts: Parameters<typeof orderEvent>[1] & { email: string },
  ): Promise<{ mail: ParsedMail; row: CrossSellRow }> {
    expect((await app.postEvent(orderEvent(orderId, opts))).status).toBe(200);
    const row = await settled(app, orderId);
    expect(row.status).toBe('sent');
    // The sink stores a message before answering 250, and the row is marked sent after that.
    const mails = mailTo(smtp, opts.email);
    expect(mails).toHaveLength(1);
    return { mail: mails[0]!, row };
  }

  describe('an en-US customer', () => {
    let mail: ParsedMail;
    let row: CrossSellRow;
    beforeAll(async () => {
      ({ mail, row } = await sendOne('2001', { email: 'erin@example.com', firstName: 'Erin', locale: 'en-US' }));
    });

    it('has a text part and an HTML part, with the same products in both', () => {
      expect(typeof mail.html).toBe('string');
      expect((mail.html as string).length).toBeGreaterThan(1_000);
      expect(mail.text?.length ?? 0).toBeGreaterThan(200);
      expect(mail.text).not.toContain('<td');
      for (const title of ['HDMI 2.1 Cable', 'Space Quest', 'Pro Controller']) {
        expect(mail.html).toContain(title);
        expect(mail.text).toContain(title);
      }
      expect(mail.subject).toBe('Everything you need for your Console X');
      expect(mail.from?.text).toContain('hello@shop.example');
    });

    it('carries ONE List-Unsubscribe header with the https URL on PUBLIC_URL and a mailto, and the one-click header', () => {
      const lines = mail.headerLines.filter((h) => h.key === 'list-unsubscribe');
      expect(lines).toHaveLength(1);
      const value = headerValue(mail, 'List-Unsubscribe')!;
      const m = /^<(https:\/\/aftercart\.test\/u\/([\w-]+\.[\w-]+))>, <(mailto:[^>]+)>$/.exec(value);
      expect(m, value).not.toBeNull();
      expect(app.links.verify(m![2]!)).toEqual({ kind: 'u', crossSellId: row.id });
      expect(m![3]).toMatch(/^mailto:hello@shop\.example\?subject=unsubscribe$/);
      expect(mail.headerLines.filter((h) => h.key === 'list-unsubscribe-post')).toHaveLength(1);
      expect(headerValue(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      // The unsubscribe link in the body is the same URL.
      expect(hrefs(mail.html)).toContain(m![1]);
      expect(mail.text).toContain(m![1]);
    });

    it('has a stable Message-ID naming the send, recorded on the cross-sell', () => {
      expect(mail.messageId).toMatch(new RegExp(`^<xs-${row.id}\\.[0-9a-f]{12}@shop\\.example>$`));
      expect(row.message_id).toBe(mail.messageId);
    });

    it('links every product through a signed /c/ token of this send, and nothing else leaves the store', () => {
      const links = hrefs(mail.html);
      const clicks = links.filter((h) => h.startsWith(`${PUBLIC_URL}/c/`));
      const unsub = links.filter((h) => h.startsWith(`${PUBLIC_URL}/u/`));
      expect(unsub).toHaveLength(1);
      for (const h of links)
        expect(
          [`${PUBLIC_URL}/c/`, `${PUBLIC_URL}/u/`].some((p) => h.startsWith(p)) || h === 'https://shop.example',
          h,
        ).toBe(true);
      // No link goes straight to a product page.
      expect(links.filter((h) => h.includes('/p/'))).toEqual([]);
      const tokens = clicks.map((h) => app.links.verify(h.slice(`${PUBLIC_URL}/c/`.length)));
      for (const t of tokens) expect(t).toMatchObject({ kind: 'c', crossSellId: row.id });
      const linked = new Set(tokens.map((t) => (t && t.kind === 'c' ? t.productId : null)));
      expect([...linked].sort()).toEqual(['P2', 'P3', 'P4']);
      expect(row.items!.map((i) => i.productId).sort()).toEqual(['P2', 'P3', 'P4']);
      // The text part lists each product's tracked link.
      for (const i of row.items!) expect(mail.text).toContain(i.href!);
    });

    it('shows prices in US format and English strings, and no bundle block', () => {
      for (const part of [mail.html as string, mail.text!]) {
        for (const price of ['$19.99', '$59.99', '$69.99']) expect(part).toContain(price);
        expect(part).toContain('Hi Erin,');
        expect(part).toContain('Needed to use your Console X');
        expect(part).not.toContain('Bundle offer');
      }
      expect(mail.html).toMatch(/<html[^>]*\slang="en-US"/);
      expect(mail.html).not.toContain('data-bundle-offer');
    });
  });

  describe('a de-DE customer', () => {
    let mail: ParsedMail;
    beforeAll(async () => {
      ({ mail } = await sendOne('2002', {
        email: 'dora@example.com',
        firstName: 'Dora',
        locale: 'de-DE',
        timezone: 'Europe/Berlin',
      }));
    });

    it('sees USD prices formatted the German way', () => {
      const fmt = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'USD' });
      for (const amount of [19.99, 59.99, 69.99]) {
        const expected = plainSpaces(fmt.format(amount)); // "19,99 $"
        expect(plainSpaces(mail.html as string)).toContain(expected);
        expect(plainSpaces(mail.text!)).toContain(expected);
      }
      expect(mail.html).not.toContain('$19.99');
    });

    it('reads German strings in the subject, both parts and the html lang', () => {
      expect(mail.subject).toBe('Alles, was Sie für Console X brauchen');
      for (const part of [mail.html as string, mail.text!]) {
        expect(part).toContain('Empfehlungen für Sie');
        expect(part).toContain('Hallo Dora,');
        expect(part).toContain('Benötigt für Console X');
        expect(part).toContain('Passt zu Console X');
        expect(part).toContain('Abmelden');
        expect(part).not.toContain('Recommended for you');
      }
      expect(mail.html).toMatch(/<html[^>]*\slang="de-DE"/);
    });
  });

  describe('a de-DE customer paying in EUR while the catalog is priced in USD (a multi-currency store)', () => {
    // BUG (workers/deliver.ts): the props take the order's currency for every price, so the
    // catalog's "19.99" USD is shown as "19,99 €". Fixed once deliver.ts builds its props with
    // src/mail/email-props.ts emailProps(), which leaves out a price in another currency.
    it('never shows a USD catalog price with a euro sign', async () => {
      const { mail } = await sendOne('2004', {
        email: 'eva@example.com',
        firstName: 'Eva',
        locale: 'de-DE',
        currency: 'EUR',
      });
      const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
      for (const part of [mail.html as string, mail.text!]) {
        for (const amount of [19.99, 59.99, 69.99])
          expect(plainSpaces(part)).not.toContain(plainSpaces(euro.format(amount)));
        expect(part).toContain('HDMI 2.1 Cable'); // the items are still there
      }
    });
  });

  describe('with recommend.bundle configured', () => {
    let mail: ParsedMail;
    beforeAll(async () => {
      app.settings.config.recommend.bundle = parseConfig({
        recommend: { bundle: { percent: 15, code: 'TOGETHER15' } },
      }).recommend.bundle;
      try {
        ({ mail } = await sendOne('2003', { email: 'bea@example.com', firstName: 'Bea' }));
      } finally {
        app.settings.config.recommend.bundle = false;
      }
    });

    it('shows the bundle block with the code in both parts', () => {
      expect(mail.html).toContain('data-bundle-offer');
      for (const part of [mail.html as string, mail.text!]) {
        expect(part).toContain('Bundle offer');
        expect(part).toContain('Save 15% when you buy these together.');
        expect(part).toContain('TOGETHER15');
      }
    });

    it('the order without a bundle (same store, before) had none', async () => {
      const other = mailTo(smtp, 'erin@example.com')[0]!;
      expect(other.text).not.toContain('TOGETHER15');
      expect((await crossSellOf(app, '2003'))!.status).toBe('sent');
    });
  });
});
