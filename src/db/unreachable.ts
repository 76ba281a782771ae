// Is an error the database being out of reach (answer 503: the sender retries), rather than a
// fault of ours (500) or of the sender's data (400)? Network errors, SQLSTATE classes 08
// (connection) and 53 (resources), shutdowns and cancelled statements, and node-postgres's
// own connection messages, which carry no code.
import { inClass, SqlState, SqlStateClass } from './errors.js';

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const SQLSTATE = new Set<string>([
  SqlState.adminShutdown,
  SqlState.crashShutdown,
  SqlState.cannotConnectNow,
  SqlState.queryCanceled,
  SqlState.serializationFailure,
  SqlState.deadlockDetected,
]);
/** node-postgres's query_timeout: the server never answered; the connection is unusable. */
const READ_TIMEOUT = /query read timeout/i;
const MESSAGES = [
  READ_TIMEOUT,
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /connection (?:is )?closed/i,
  /cannot use a pool after calling end/i,
];

export function isDatabaseUnreachable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK.has(code) || SQLSTATE.has(code)) return true;
    if (inClass(code, SqlStateClass.connectionException) || inClass(code, SqlStateClass.insufficientResources))
      return true;
  }
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && MESSAGES.some((m) => m.test(message));
}

/** The client gave up waiting for an answer: the connection is mid-statement, drop it. */
export function isReadTimeout(err: unknown): boolean {
  return err instanceof Error && READ_TIMEOUT.test(err.message);
}
