// Addresses never reach logs, job failure text or queue events. SMTP replies often quote the
// recipient ("550 5.1.1 <ann@example.com>: Recipient address rejected"), and an error's text is
// what BullMQ stores (failedReason, stacktrace, the events stream) and what logs print.

const bracketed = /<[^<>\s]*@[^<>\s]*>/g;
/** A bare address: an atom run, '@', a dotted domain (a path such as /node_modules/@scope is not one). */
const bare = /[\p{L}\p{N}.!#$%&'*+=?^_`{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** `<…@…>` and bare addresses become `<redacted>`. */
export function redactAddresses(text: string): string {
  return text.replace(bracketed, '<redacted>').replace(bare, '<redacted>');
}

/**
 * The same error, redacted in place: message, stack, SMTP response and recipient lists. Its
 * `code` and `responseCode` stay, so a failure is still classified (src/mail/transport.ts).
 */
export function redactError<T>(err: T): T {
  if (!err || typeof err !== 'object') return err;
  const e = err as Record<string, unknown>;
  for (const field of ['message', 'stack', 'response', 'recipient'] as const) {
    if (typeof e[field] === 'string') e[field] = redactAddresses(e[field]);
  }
  if (Array.isArray(e.rejected)) e.rejected = e.rejected.map(() => '<redacted>');
  if (Array.isArray(e.rejectedErrors)) e.rejectedErrors.forEach((inner) => redactError(inner));
  if (e.cause) redactError(e.cause);
  return err;
}
