// Structured logs (pino). Ids only: email addresses and payloads are never logged. Readable
// lines on a terminal (pino-pretty), JSON lines otherwise or with LOG_FORMAT=json.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/** LOG_FORMAT when set; otherwise pretty only when a person is watching stdout. */
export function logFormat(setting: LogFormat | undefined, tty = Boolean(process.stdout.isTTY)): LogFormat {
  return setting ?? (tty ? 'pretty' : 'json');
}

export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service: 'aftercart' },
    redact: {
      paths: ['email', '*.email', 'payload', '*.payload', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty') {
    // pino-pretty writes to a node stream; a bare `{ write }` destination (tests) is wrapped.
    const out = destination
      ? new Writable({ write: (chunk, _enc, done) => done(void destination.write(String(chunk))) })
      : 1;
    const stream = pretty({
      colorize: Boolean(process.stdout.isTTY) && !destination,
      sync: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service',
      destination: out,
    });
    return pino(options, stream);
  }
  return destination ? pino(options, destination) : pino(options);
}

/**
 * One warning per part and interval for errors that repeat (ioredis reconnects every few hundred
 * ms while Redis is down): the first right away, then a count of what was held back.
 */
export function throttledErrors(log: Pick<Logger, 'warn'>, everyMs = 60_000): (part: string, err: Error) => void {
  const last = new Map<string, { at: number; held: number }>();
  return (part, err) => {
    const now = Date.now();
    const seen = last.get(part);
    if (seen && now - seen.at < everyMs) {
      seen.held += 1;
      return;
    }
    last.set(part, { at: now, held: 0 });
    log.warn({ part, err: err.message, ...(seen?.held ? { repeated: seen.held } : {}) }, `${part} error`);
  };
}
