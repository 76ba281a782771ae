// The MIME nodemailer writes for us, read from the outbox mailer's .eml (the SMTP transport
// builds the same message): both parts quoted-printable whatever the text, so filters that
// penalise base64 text parts never see one, and nodemailer does not scan each body to choose.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createMailer } from '../../src/mail/transport.js';
import { tempDir } from '../support/services.js';

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
