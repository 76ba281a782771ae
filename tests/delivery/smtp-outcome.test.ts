// smtpOutcome() is the one place a failed SMTP send becomes an outcome: every kind of failure
// (a 5xx, a 4xx, 503, a network error), before and after DATA began, on the job's last attempt
// and before it. And smtpReply(), the one line stored as the row's last reply.
import { describe, expect, it } from 'vitest';
import { smtpOutcome, smtpReply, type SmtpOutcome } from '../../workers/smtp-outcome.js';

/** An error as nodemailer gives it: `responseCode` when the server answered, `code` otherwise. */
const reply = (responseCode: number, response = `${responseCode} no`) =>
  Object.assign(new Error(`Message failed: ${response}`), { code: 'EMESSAGE', responseCode, response });
const network = (code: string) => Object.assign(new Error(`connection ${code}`), { code });

const rejected: SmtpOutcome = { status: 'failed', reason: 'smtp_rejected', suppress: true, retry: false };
const noAnswer: SmtpOutcome = { status: 'failed', reason: 'smtp_no_answer', suppress: false, retry: false };
const unavailable: SmtpOutcome = { status: 'failed', reason: 'smtp_unavailable', suppress: false, retry: false };
const retried: SmtpOutcome = { status: 'scheduled', reason: null, suppress: false, retry: true };

const cases: [string, unknown, { dataStarted: boolean; lastAttempt: boolean }, SmtpOutcome][] = [
  // A 5xx (but 503) rejects the address: final and suppressed, whenever it came, on any attempt.
  ['550 to RCPT TO, before DATA', reply(550), { dataStarted: false, lastAttempt: false }, rejected],
  ['554 after the message went out', reply(554), { dataStarted: true, lastAttempt: false }, rejected],
  ['552 on the last attempt', reply(552), { dataStarted: false, lastAttempt: true }, rejected],
  ['500 (the lowest 5xx)', reply(500), { dataStarted: false, lastAttempt: false }, rejected],
  // 503 (bad sequence of commands) is the session's fault, not the address's: retried.
  ['503 before DATA', reply(503), { dataStarted: false, lastAttempt: false }, retried],
  ['503 on the last attempt', reply(503), { dataStarted: false, lastAttempt: true }, unavailable],
  // A 4xx is answered by the server: nothing was accepted, even after DATA began.
  ['421 before DATA', reply(421), { dataStarted: false, lastAttempt: false }, retried],
  ['451 after DATA began', reply(451), { dataStarted: true, lastAttempt: false }, retried],
  ['452 on the last attempt', reply(452), { dataStarted: false, lastAttempt: true }, unavailable],
  ['451 after DATA began, on the last attempt', reply(451), { dataStarted: true, lastAttempt: true }, unavailable],
  // No answer before DATA: nothing was handed over, so it is safe to try again.
  ['connection refused', network('ECONNREFUSED'), { dataStarted: false, lastAttempt: false }, retried],
  ['a timeout before DATA', network('ETIMEDOUT'), { dataStarted: false, lastAttempt: false }, retried],
  ['a plain error before DATA', new Error('boom'), { dataStarted: false, lastAttempt: false }, retried],
  [
    'connection refused on the last attempt',
    network('ECONNREFUSED'),
    { dataStarted: false, lastAttempt: true },
    unavailable,
  ],
  // No answer after the message went out: it may have been accepted, so it is never sent again.
  ['a timeout after DATA began', network('ETIMEDOUT'), { dataStarted: true, lastAttempt: false }, noAnswer],
  ['a reset after DATA began', network('ECONNRESET'), { dataStarted: true, lastAttempt: false }, noAnswer],
  [
    'a reset after DATA began, on the last attempt',
    network('ECONNRESET'),
    { dataStarted: true, lastAttempt: true },
    noAnswer,
  ],
];

describe('smtpOutcome', () => {
  it.each(cases)('%s', (_name, err, send, expected) => {
    expect(smtpOutcome(err, send)).toEqual(expected);
  });

  it('only a bounce suppresses, and only a retry leaves the row scheduled', () => {
    for (const [, err, send] of cases) {
      const outcome = smtpOutcome(err, send);
      expect(outcome.suppress).toBe(outcome.reason === 'smtp_rejected');
      expect(outcome.status === 'scheduled').toBe(outcome.retry);
    }
  });
});

describe('smtpReply', () => {
  it('is the server’s answer on one line when there was one', () => {
    expect(smtpReply(reply(550, '550 5.1.1 mailbox\r\n  unavailable'))).toBe('550 5.1.1 mailbox unavailable');
  });

  it('is the error code and message when no answer came', () => {
    expect(smtpReply(network('ECONNRESET'))).toBe('ECONNRESET: connection ECONNRESET');
    expect(smtpReply('a string')).toBe('a string');
  });

  it('leaves no address in and is capped at 300 characters', () => {
    const text = smtpReply(new Error(`rejected ann@example.com ${'x'.repeat(400)}`));
    expect(text).not.toContain('ann@example.com');
    expect(text).toHaveLength(300);
  });
});
