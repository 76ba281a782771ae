// What a failed SMTP send becomes: failed for good (and the address suppressed on a bounce) or
// the claim released for BullMQ's retry. Pure: the error, how far the message got, whether this
// was the job's last attempt. The table of cases is tests/delivery/smtp-outcome.test.ts.
import { classifySmtpError, mayHaveBeenAccepted } from '../src/mail/transport.js';
import { redactAddresses } from '../src/privacy/redact.js';

/** SPEC reasons of a `failed` cross-sell. */
export type SmtpFailureReason = 'smtp_rejected' | 'smtp_no_answer' | 'smtp_unavailable';

export type SmtpOutcome =
  /** The row ends `failed`; `suppress`: the address bounced and is never sent to again. */
  | { status: 'failed'; reason: SmtpFailureReason; suppress: boolean; retry: false }
  /** Nothing was accepted: the row goes back to `scheduled` and the job is tried again. */
  | { status: 'scheduled'; reason: null; suppress: false; retry: true };

export interface SendProgress {
  /** The row was marked: the message's DATA began. */
  dataStarted: boolean;
  /** BullMQ will not try this job again. */
  lastAttempt: boolean;
}

export function smtpOutcome(err: unknown, send: SendProgress): SmtpOutcome {
  // A 5xx answer (not 503, a command out of sequence) rejects the address, whenever it came.
  if (classifySmtpError(err) === 'permanent') {
    return { status: 'failed', reason: 'smtp_rejected', suppress: true, retry: false };
  }
  // The message went out and no answer came: it may have been accepted. At most once, never twice.
  if (mayHaveBeenAccepted(err, send.dataStarted)) {
    return { status: 'failed', reason: 'smtp_no_answer', suppress: false, retry: false };
  }
  if (send.lastAttempt) return { status: 'failed', reason: 'smtp_unavailable', suppress: false, retry: false };
  return { status: 'scheduled', reason: null, suppress: false, retry: true };
}

/** The server's answer (already redacted by the mailer), or what went wrong on the way; one line, capped. */
export function smtpReply(err: unknown): string {
  const e = err as { response?: unknown; code?: unknown; message?: unknown };
  const text =
    typeof e.response === 'string'
      ? e.response
      : `${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? err)}`;
  return redactAddresses(text.replace(/\s+/g, ' ').trim()).slice(0, 300);
}
