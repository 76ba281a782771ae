// Structured logs (pino). Ids only: email addresses and payloads are never logged.
import pino, { type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'aftercart' },
    redact: { paths: ['email', '*.email', 'payload', '*.payload', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
