// Real services for integration tests: a fresh Postgres database per suite, an isolated
// Redis key prefix, and a real SMTP server (smtp-server) whose mail is read with mailparser.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { inject } from 'vitest';

export const services = () => inject('services');

/** Skip (locally) or fail (CI=true) when a service is not running. */
export function missing(...names: ('postgres' | 'redis')[]): string | false {
  const s = services();
  const absent = names.filter((n) => !s[n]);
  if (absent.length === 0) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${absent.join(', ')} not running`);
  return `${absent.join(', ')} not running`;
}

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = services().postgres!;
  const name = `aftercart_t_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const tempDir = (prefix = 'aftercart-') => mkdtemp(path.join(os.tmpdir(), prefix));
export const uniquePrefix = () => `{t${randomBytes(4).toString('hex')}}`;

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  /** The SMTP envelope of each message in `messages`, in the same order. */
  envelopes: { mailFrom: string | false; rcptTo: string[] }[];
  /** Answer the next sends with these codes before accepting (e.g. [450] or [550]). */
  failNext(codes: number[]): void;
  /** How long DATA is held before the answer (ms), to keep a send "in flight"; 0 answers at once. */
  holdMs: number;
  /** Resolves when a message has entered DATA. */
  inData(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const envelopes: SmtpSink['envelopes'] = [];
  const failures: number[] = [];
  const entered: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      for (const resolve of entered.splice(0)) resolve();
      const code = failures.shift();
      if (code) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error(`test failure ${code}`), { responseCode: code })));
        return;
      }
      simpleParser(stream).then((mail) => {
        const accept = () => {
          messages.push(mail);
          const { mailFrom, rcptTo } = session.envelope;
          envelopes.push({ mailFrom: mailFrom && mailFrom.address, rcptTo: rcptTo.map((r) => r.address) });
          callback();
        };
        if (sink.holdMs > 0) setTimeout(accept, sink.holdMs);
        else accept();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const sink: SmtpSink = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    envelopes,
    failNext: (codes) => failures.push(...codes),
    holdMs: 0,
    inData: () => new Promise<void>((resolve) => entered.push(resolve)),
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

/** The raw value of a header as it arrived (mailparser folds List-* headers into one object). */
export function headerValue(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim();
}
