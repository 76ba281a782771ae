// The same delivery flow on the embedded defaults (PGlite + BullMQ's PostgreSQL backend), with
// a real SMTP server: one happy path from webhook to email to click and unsubscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { headerValue, sleep, startSmtpSink, type SmtpSink } from '../support/services.js';
import { explainOrder } from '../../src/explain/explain-order.js';
import { emailHash } from '../../src/domain/customer-key.js';
import { hrefs, local, mailTo, orderEvent, plainSpaces, PUBLIC_URL, settled, startStore } from './support.js';

describe('delivery on the embedded defaults (PGlite + SMTP)', () => {
  let app: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startStore(smtp.url, { setup: 'embedded' });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('an order becomes exactly one email with the right headers, prices and links; its click and one-click unsubscribe work', async () => {
    expect(app.db.embedded).toBe(true);
    expect(app.queue.kind).toBe('postgres');
    const event = orderEvent('7001', { email: 'lea@example.com', firstName: 'Lea', locale: 'de-DE' });
    const posted = Date.now();
    expect((await app.postEvent(event, { id: 'msg_order_7001' })).status).toBe(200);
    expect(await (await app.postEvent(event, { id: 'msg_order_7001' })).json()).toMatchObject({ duplicate: true });
    const row = await settled(app, '7001', undefined, 8_000);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(Date.now() - posted).toBeLessThan(1_000 + 3_000); // due after 1 s, sent within 3 s of that

    const mails = mailTo(smtp, 'lea@example.com');
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.messageId).toBe(row.message_id);
    expect(mail.messageId).toMatch(new RegExp(`^<xs-${row.id}\\.[0-9a-f]{12}@shop\\.example>$`));
    expect(mail.headerLines.filter((h) => h.key === 'list-unsubscribe')).toHaveLength(1);
    expect(headerValue(mail, 'List-Unsubscribe')).toMatch(
      /^<https:\/\/aftercart\.test\/u\/[\w.-]+>, <mailto:hello@shop\.example\?subject=unsubscribe>$/,
    );
    expect(headerValue(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.subject).toBe('Alles, was Sie für Console X brauchen');
    const price = plainSpaces(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'USD' }).format(19.99));
    expect(plainSpaces(mail.html as string)).toContain(price);
    expect(plainSpaces(mail.text!)).toContain(price);

    const links = hrefs(mail.html);
    const click = links.find((h) => h.startsWith(`${PUBLIC_URL}/c/`))!;
    const res = await fetch(local(app, click), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(
      /^https:\/\/shop\.example\/p\/P\d\?utm_source=aftercart&utm_medium=email&utm_campaign=cross-sell$/,
    );
    expect(
      (await app.db.pool.query(`SELECT count(*)::int AS n FROM clicks WHERE cross_sell_id = $1`, [row.id])).rows[0].n,
    ).toBe(1);

    const unsubscribe = /<(https:[^>]+)>/.exec(headerValue(mail, 'List-Unsubscribe')!)![1]!;
    const page = await fetch(local(app, unsubscribe));
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('lea@example.com');
    const oneClick = await fetch(local(app, unsubscribe), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(
      (await app.db.pool.query(`SELECT reason FROM suppressions WHERE email_hash = $1`, [emailHash('lea@example.com')]))
        .rows,
    ).toEqual([{ reason: 'unsubscribed' }]);

    expect((await app.postEvent(orderEvent('7002', { email: 'lea@example.com', locale: 'de-DE' }))).status).toBe(200);
    expect(await settled(app, '7002', undefined, 8_000)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect((await explainOrder(app.db.pool, '7002'))[0]).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    await sleep(500);
    expect(mailTo(smtp, 'lea@example.com')).toHaveLength(1);
  });
});
