// Sends a rendered email: one pooled nodemailer transport per process (SMTP_URL), or, with no
// SMTP configured, `.eml` files in the outbox so the embedded set-up needs nothing running.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type TransportOptions } from 'nodemailer';
import type { Transporter } from 'nodemailer';

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per send, so a provider or our own retry can recognise the same message. */
  messageId: string;
  unsubscribeUrl: string;
  unsubscribeMailto?: string;
}

export interface Mailer {
  kind: 'smtp' | 'outbox';
  /** Where `.eml` files land when there is no SMTP server. */
  outboxDir?: string;
  send(email: OutgoingEmail): Promise<{ messageId: string; response: string }>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string;
  outboxDir: string;
  maxConnections: number;
  rateLimit?: number;
  rateDeltaMs: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Kept well under the queue's lock so a slow server cannot cause a second send. */
  socketTimeoutMs?: number;
}

export function createMailer(opts: MailerOptions): Mailer {
  if (!opts.smtpUrl) return outboxMailer(opts.outboxDir);
  const transport: Transporter = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections,
    rateLimit: opts.rateLimit,
    rateDelta: opts.rateDeltaMs,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: opts.socketTimeoutMs ?? 10_000,
    dkim: opts.dkim,
  } as TransportOptions);
  return {
    kind: 'smtp',
    async send(email) {
      const info = await transport.sendMail(toMessage(email));
      return { messageId: info.messageId, response: String(info.response ?? '') };
    },
    close: () => transport.close(),
  };
}

function outboxMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    outboxDir: dir,
    async send(email) {
      const info = (await transport.sendMail(toMessage(email))) as { message: Buffer; messageId: string };
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${email.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      await writeFile(file, info.message);
      return { messageId: info.messageId, response: `written ${file}` };
    },
    close() {},
  };
}

function toMessage(email: OutgoingEmail): SendMailOptions {
  return {
    from: email.from,
    to: email.to,
    replyTo: email.replyTo,
    subject: email.subject,
    html: email.html,
    text: email.text,
    // Fixed, not sniffed: nodemailer's per-message scan for the best encoding cost ~0.2 ms, and
    // quoted-printable keeps HTML readable to filters that frown on base64 text parts.
    textEncoding: 'quoted-printable',
    messageId: email.messageId,
    // A nested array makes one header listing both; a flat array would write two headers.
    list: { unsubscribe: email.unsubscribeMailto ? [[email.unsubscribeUrl, email.unsubscribeMailto]] : email.unsubscribeUrl },
    // RFC 8058 one-click. It must go in `headers`: inside `list` nodemailer writes a broken
    // `List-Unsubscribepost` header (NOTES.md).
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

export type SmtpFailure = 'transient' | 'permanent';

/** 4xx, 421, 503 and network errors are worth retrying; other 5xx are final. */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e = err as { responseCode?: number; code?: string };
  const code = e.responseCode;
  if (typeof code === 'number') {
    if (code >= 500 && code !== 503) return 'permanent';
    return 'transient';
  }
  return 'transient';
}

/**
 * True when a failure came after the message may have been handed over (the connection died
 * or timed out mid-transaction): retrying could deliver a second copy.
 */
export function mayHaveBeenAccepted(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string; originalCode?: string; timeoutType?: string };
  if (typeof e.responseCode === 'number') return false;
  if (['ECONNECTION', 'EDNS', 'ETLS', 'EAUTH'].includes(e.code ?? '')) return false;
  if (e.code === 'ETIMEDOUT') return e.timeoutType === 'SOCKET_TIMEOUT';
  if (e.code === 'ESOCKET') return !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(e.originalCode ?? '');
  return false;
}
