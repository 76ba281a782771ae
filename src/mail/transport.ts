// Sends a rendered email: one pooled nodemailer transport per process (SMTP_URL), or, with no
// SMTP configured, `.eml` files in the outbox so the embedded set-up needs nothing running.
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import nodemailer, { type SendMailOptions, type TransportOptions } from 'nodemailer';
import type { Transporter } from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import { redactError } from '../privacy/redact.js';

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
  /** Outbox only: written as X-Aftercart-Customer, so an erasure finds the customer's files. */
  customer?: { store: string; key: string };
}

export interface SendHooks {
  /**
   * Awaited once the server has accepted DATA, before the first byte of the message goes out
   * (before the file is written, for the outbox). If it rejects, nothing of the message is
   * handed over: the send fails and the connection is dropped mid-DATA.
   */
  beforeData?: () => Promise<void>;
}

export interface Mailer {
  kind: 'smtp' | 'outbox';
  /** Where `.eml` files land when there is no SMTP server. */
  outboxDir?: string;
  send(email: OutgoingEmail, hooks?: SendHooks): Promise<{ messageId: string; response: string }>;
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
  } as TransportOptions);
  gateMessages(transport, opts.dkim && new DKIM(opts.dkim));
  return {
    kind: 'smtp',
    async send(email, hooks) {
      // The reply may quote the recipient: redacted before it is logged or stored as job failure text.
      const info = await transport
        .sendMail({ ...toMessage(email), [GATE]: hooks?.beforeData } as SendMailOptions)
        .catch((err: unknown) => {
          throw redactError(err);
        });
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
    async send(email, hooks) {
      const message = toMessage(email);
      if (email.customer)
        message.headers = {
          ...(message.headers as Record<string, string>),
          [CUSTOMER_HEADER]: customerHeader(email.customer),
        };
      const info = (await transport.sendMail(message)) as { message: Buffer; messageId: string };
      // The files hold addresses and names: readable by the owner only.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await hooks?.beforeData?.();
      const file = path.join(dir, `${email.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      await writeFile(file, info.message, { mode: 0o600 });
      return { messageId: info.messageId, response: `written ${file}` };
    },
    close() {},
  };
}

const CUSTOMER_HEADER = 'X-Aftercart-Customer';
const customerHeader = (c: { store: string; key: string }) => `${encodeURIComponent(c.store)} ${c.key}`;

/** What an outbox file says of its recipient: store and customer key (from the header), address. */
export interface OutboxRecipient {
  store?: string;
  customerKey?: string;
  to?: string;
}

/** Erasure: deletes the outbox files whose recipient `matches`; returns how many. */
export async function deleteOutboxFiles(dir: string, matches: (r: OutboxRecipient) => boolean): Promise<number> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' ? [] : Promise.reject(err),
  );
  let deleted = 0;
  for (const name of names.filter((n) => n.endsWith('.eml'))) {
    const file = path.join(dir, name);
    const head = (await readFile(file, 'utf8')).split(/\r?\n\r?\n/, 1)[0]!;
    const [store, customerKey] = new RegExp(`^${CUSTOMER_HEADER}: *(\\S+) (\\S+)`, 'mi').exec(head)?.slice(1) ?? [];
    const to = /^To: *(?:.*<)?([^<>\s]+@[^<>\s]+?)>?\s*$/im.exec(head)?.[1]?.toLowerCase();
    if (matches({ store: store && decodeURIComponent(store), customerKey, to })) {
      await unlink(file);
      deleted++;
    }
  }
  return deleted;
}

/** The message field carrying a send's `beforeData` hook to the stream plugin below. */
const GATE = 'aftercartBeforeData';

/**
 * Holds each message back until its `beforeData` hook resolved, on the first read of the stream
 * the connection pipes after the server's 354. DKIM signs here, under the gate: nodemailer's own
 * signer would read the whole message as soon as a pooled connection is taken, before MAIL FROM.
 */
function gateMessages(transport: Transporter, dkim: DKIM | undefined): void {
  transport.use('stream', (mail, done) => {
    const hook = (mail.data as Record<string, unknown>)[GATE] as SendHooks['beforeData'];
    mail.message.processFunc((input) => gatedWhole(dkim ? dkim.sign(input) : input, hook));
    done();
  });
}

/**
 * `source` as one chunk, not read from until `gate` resolved; a rejection fails the stream
 * instead. One chunk is one socket write: piped as nodemailer makes it, a message went out in
 * dozens of small writes, and on loopback each costs both ends a system call.
 */
function gatedWhole(source: Readable, gate: SendHooks['beforeData']): Readable {
  return Readable.from(
    (async function* () {
      await gate?.();
      const chunks: Buffer[] = [];
      for await (const chunk of source) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
      yield Buffer.concat(chunks);
    })(),
    { objectMode: false },
  );
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
    list: {
      unsubscribe: email.unsubscribeMailto ? [[email.unsubscribeUrl, email.unsubscribeMailto]] : email.unsubscribeUrl,
    },
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
 * True when a send failed after its message began to go out (`dataStarted`: its `beforeData`
 * hook resolved) and the server gave no answer to it: a timeout, a reset, or a server that read
 * the whole message and closed the connection. It may have been accepted: a retry could deliver
 * a second copy. Before DATA nothing was handed over, whatever the error.
 */
export function mayHaveBeenAccepted(err: unknown, dataStarted: boolean): boolean {
  return dataStarted && typeof (err as { responseCode?: unknown }).responseCode !== 'number';
}
