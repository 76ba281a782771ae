// Real services for integration tests: a fresh Postgres database per suite, an isolated
// Redis key prefix, and a real SMTP server (smtp-server) whose mail is read with mailparser.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { inject } from 'vitest';

export const services = () => inject('services');

/** Skip (locally) or fail (CI=true) when a service is not running. */
export function missing(...names: ('postgres' | 'redis' | 'redisCluster')[]): string | false {
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
  /** When each message in `messages` began its DATA (Date.now()), in the same order. */
  arrivals: number[];
  /** Answer the next sends with these codes before accepting (e.g. [450] or [550]). */
  failNext(codes: number[]): void;
  /** How long DATA is held before the answer (ms), to keep a send "in flight"; 0 answers at once. */
  holdMs: number;
  /** Resolves when a message has entered DATA. */
  inData(): Promise<void>;
  /** The recipients of each message inside DATA now: entered, not yet answered, connection open. */
  insideData(): string[][];
  /** Messages that entered DATA and whose connection closed before the sink answered them. */
  interrupted: { rcptTo: string[] }[];
  /**
   * Read the next `n` messages whole (kept in `messages`: the server has them), then close the
   * connection without an answer, the way a server that crashed after the final dot would.
   */
  dropNext(n: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const envelopes: SmtpSink['envelopes'] = [];
  const arrivals: number[] = [];
  const failures: number[] = [];
  const entered: (() => void)[] = [];
  const interrupted: SmtpSink['interrupted'] = [];
  // Per client port: its socket, and the recipients of the message inside DATA, unanswered.
  const sockets = new Map<number, Socket>();
  const open = new Map<number, string[]>();
  let drops = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, reply) {
      const began = Date.now();
      for (const resolve of entered.splice(0)) resolve();
      open.set(
        session.remotePort,
        session.envelope.rcptTo.map((r) => r.address),
      );
      const callback = (err?: Error | null) => {
        open.delete(session.remotePort);
        reply(err);
      };
      if (drops > 0) {
        drops--;
        return void simpleParser(stream).then(
          (mail) => {
            keep(mail, session, began);
            sockets.get(session.remotePort)?.destroy();
          },
          () => {},
        );
      }
      const code = failures.shift();
      if (code) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error(`test failure ${code}`), { responseCode: code })));
        return;
      }
      simpleParser(stream).then((mail) => {
        const accept = () => {
          keep(mail, session, began);
          callback();
        };
        if (sink.holdMs > 0) setTimeout(accept, sink.holdMs);
        else accept();
      }, callback);
    },
  });
  const keep = (mail: ParsedMail, session: SMTPServerSession, began: number) => {
    messages.push(mail);
    arrivals.push(began);
    const { mailFrom, rcptTo } = session.envelope;
    envelopes.push({ mailFrom: mailFrom && mailFrom.address, rcptTo: rcptTo.map((r) => r.address) });
  };
  // A client that dies (a killed worker) resets its connection: not an error of the sink's.
  server.on('error', () => {});
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort!;
    sockets.set(port, socket);
    socket.on('close', () => {
      const rcptTo = open.get(port);
      if (rcptTo) interrupted.push({ rcptTo });
      open.delete(port);
      sockets.delete(port);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const sink: SmtpSink = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    envelopes,
    arrivals,
    failNext: (codes) => failures.push(...codes),
    holdMs: 0,
    inData: () => new Promise<void>((resolve) => entered.push(resolve)),
    insideData: () => [...open.values()],
    interrupted,
    dropNext: (n) => void (drops += n),
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

export async function until<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
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
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim();
}
