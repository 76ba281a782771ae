// The MIME nodemailer writes for us: both parts quoted-printable whatever the text, so filters
// that penalise base64 text parts never see one, and nodemailer does not scan each body to
// choose. Over SMTP: the envelope, our Message-ID and the RFC 8058 headers as they arrive.
import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMailer } from '../../src/mail/transport.js';
import { headerValue, sleep, startSmtpSink, tempDir, until } from '../support/services.js';

it('writes both parts quoted-printable, even for text nodemailer would base64', async () => {
  const dir = await tempDir();
  const mailer = createMailer({ outboxDir: dir, maxConnections: 1, rateDeltaMs: 1000 });
  // Mostly non-Latin text: nodemailer's own choice for this is base64.
  const japanese = 'ご注文ありがとうございます。こちらの商品もおすすめです。'.repeat(20);
  await mailer.send({
    from: 'Shop <hello@shop.example>',
    to: 'yuki@example.com',
    subject: 'おすすめ',
    html: `<p>${japanese}</p>`,
    text: japanese,
    messageId: '<xs-1.abc@shop.example>',
    unsubscribeUrl: 'https://aftercart.test/u/x.y',
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
      from: '"Pixel Arcade" <hello@shop.example>',
      to: 'Ann.Buyer@Example.com',
      replyTo: 'help@shop.example',
      subject: 'Für dich: Zubehör',
      html: '<p>Größe: <a href="https://aftercart.test/c/a.b">Kabel</a></p>',
      text: 'Größe: Kabel https://aftercart.test/c/a.b',
      messageId: '<xs-7.abc@shop.example>',
      unsubscribeUrl: 'https://aftercart.test/u/x.y',
      unsubscribeMailto: 'mailto:hello@shop.example?subject=unsubscribe',
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
    expect(headerValue(mail!, 'List-Unsubscribe')).toBe(
      '<https://aftercart.test/u/x.y>, <mailto:hello@shop.example?subject=unsubscribe>',
    );
  } finally {
    mailer.close();
    await smtp.close();
  }
});

describe('beforeData: the moment a message begins to go out', () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const email = (to: string) => ({
    from: 'Shop <hello@shop.example>',
    to,
    subject: 'For you',
    html: '<p>Hi</p>',
    text: 'Hi',
    messageId: `<xs-${to}@shop.example>`,
    unsubscribeUrl: 'https://aftercart.test/u/x.y',
  });

  it('is awaited after the server accepted DATA and before a byte of the message; DKIM still signs', async () => {
    const smtp = await startSmtpSink();
    const mailer = createMailer({
      smtpUrl: smtp.url,
      outboxDir: await tempDir(),
      maxConnections: 1,
      rateDeltaMs: 1000,
      dkim: { domainName: 'shop.example', keySelector: 'ac1', privateKey },
    });
    let entered = false;
    void smtp.inData().then(() => (entered = true));
    const seen: { entered: boolean; received: number }[] = [];
    try {
      await mailer.send(email('gate@example.com'), {
        beforeData: async () => {
          seen.push({ entered, received: smtp.messages.length });
          await sleep(300); // the server waits inside DATA meanwhile
          seen.push({ entered, received: smtp.messages.length });
        },
      });
      expect(seen).toEqual([
        { entered: true, received: 0 },
        { entered: true, received: 0 },
      ]);
      const [mail] = await smtp.waitFor(1);
      expect(headerValue(mail!, 'DKIM-Signature')).toMatch(/(^|;\s*)d=shop\.example;.*\bs=ac1;/);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('a beforeData that fails sends nothing: the connection is dropped inside DATA', async () => {
    const smtp = await startSmtpSink();
    const mailer = createMailer({
      smtpUrl: smtp.url,
      outboxDir: await tempDir(),
      maxConnections: 1,
      rateDeltaMs: 1000,
    });
    try {
      const failed = mailer.send(email('nope@example.com'), {
        beforeData: () => Promise.reject(new Error('not ours any more')),
      });
      await expect(failed).rejects.toThrow();
      await until(async () => smtp.interrupted.length === 1);
      expect(smtp.interrupted).toEqual([{ rcptTo: ['nope@example.com'] }]);
      expect(smtp.messages).toHaveLength(0);
      // The pool carries on with a new connection.
      await mailer.send(email('next@example.com'));
      expect((await smtp.waitFor(1)).map((m) => m.messageId)).toEqual(['<xs-next@example.com@shop.example>']);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('the outbox calls it before the file is written', async () => {
    const dir = await tempDir();
    const mailer = createMailer({ outboxDir: dir, maxConnections: 1, rateDeltaMs: 1000 });
    const files: number[] = [];
    await mailer.send(email('box@example.com'), {
      beforeData: async () => void files.push((await readdir(dir).catch(() => [])).length),
    });
    expect(files).toEqual([0]);
    expect(await readdir(dir)).toHaveLength(1);
    await expect(
      mailer.send(email('box2@example.com'), { beforeData: () => Promise.reject(new Error('no')) }),
    ).rejects.toThrow('no');
    expect(await readdir(dir)).toHaveLength(1);
  });
});
