// The MIME nodemailer writes for us: both parts quoted-printable whatever the text, so filters
// that penalise base64 text parts never see one, and nodemailer does not scan each body to
// choose. Over SMTP: the envelope, our Message-ID and the RFC 8058 headers as they arrive.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createMailer } from '../../src/mail/transport.js';
import { headerValue, startSmtpSink, tempDir } from '../support/services.js';

it('writes both parts quoted-printable, even for text nodemailer would base64', async () => {
  const dir = await tempDir();
  const mailer = createMailer({ outboxDir: dir, maxConnections: 1, rateDeltaMs: 1000 });
  // Mostly non-Latin text: nodemailer's own choice for this is base64.
  const japanese = 'ご注文ありがとうございます。こちらの商品もおすすめです。'.repeat(20);
  await mailer.send({
    from: 'Shop <hello@shop.example>', to: 'yuki@example.com', subject: 'おすすめ', html: `<p>${japanese}</p>`, text: japanese,
    messageId: '<xs-1.abc@shop.example>', unsubscribeUrl: 'https://aftercart.test/u/x.y',
  });
  const [file] = await readdir(dir);
  const eml = await readFile(path.join(dir, file!), 'utf8');
  const encodings = [...eml.matchAll(/^Content-Transfer-Encoding: (.+)$/gim)].map((m) => m[1]);
  expect(encodings).toEqual(['quoted-printable', 'quoted-printable']);
  expect(eml).not.toMatch(/base64/i);
});

it('sends over SMTP with the envelope from From and To, our Message-ID, both parts and the unsubscribe headers', async () => {
  const smtp = await startSmtpSink();
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: await tempDir(), maxConnections: 1, rateDeltaMs: 1000 });
  try {
    const sent = await mailer.send({
      from: '"Pixel Arcade" <hello@shop.example>', to: 'Ann.Buyer@Example.com', replyTo: 'help@shop.example', subject: 'Für dich: Zubehör',
      html: '<p>Größe: <a href="https://aftercart.test/c/a.b">Kabel</a></p>', text: 'Größe: Kabel https://aftercart.test/c/a.b',
      messageId: '<xs-7.abc@shop.example>', unsubscribeUrl: 'https://aftercart.test/u/x.y', unsubscribeMailto: 'mailto:hello@shop.example?subject=unsubscribe',
    });
    expect(sent.messageId).toBe('<xs-7.abc@shop.example>');
    const [mail] = await smtp.waitFor(1);
    expect(smtp.envelopes).toEqual([{ mailFrom: 'hello@shop.example', rcptTo: ['Ann.Buyer@example.com'] }]);
    expect(mail!.messageId).toBe('<xs-7.abc@shop.example>');
    expect(mail!.subject).toBe('Für dich: Zubehör');
    expect(mail!.from?.text).toBe('"Pixel Arcade" <hello@shop.example>');
    expect(mail!.replyTo?.text).toBe('help@shop.example');
    expect(mail!.text?.trim()).toBe('Größe: Kabel https://aftercart.test/c/a.b');
    expect(mail!.html).toContain('<p>Größe: <a href="https://aftercart.test/c/a.b">Kabel</a></p>');
    expect(headerValue(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(headerValue(mail!, 'List-Unsubscribe')).toBe('<https://aftercart.test/u/x.y>, <mailto:hello@shop.example?subject=unsubscribe>');
  } finally {
    mailer.close();
    await smtp.close();
  }
});
