// SMTP replies quote the recipient; what is logged or stored as job failure text must not.
import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../src/mail/transport.js';
import { redactAddresses, redactError } from '../../src/privacy/redact.js';

describe('redactAddresses', () => {
  it.each([
    [
      '450 4.2.0 <Ann.Lee+x@Example.com>: Recipient address rejected',
      '450 4.2.0 <redacted>: Recipient address rejected',
    ],
    ['550 5.1.1 ann@example.com... User unknown', '550 5.1.1 <redacted>... User unknown'],
    ['550 <>: empty sender', '550 <>: empty sender'],
    ['554 5.7.1 <müller@bücher.example>: Relay access denied', '554 5.7.1 <redacted>: Relay access denied'],
    ['at x (/app/node_modules/@fastify/error/index.js:12:3)', 'at x (/app/node_modules/@fastify/error/index.js:12:3)'],
  ])('%s', (reply, redacted) => {
    expect(redactAddresses(reply)).toBe(redacted);
  });
});

describe('redactError', () => {
  it('redacts message, stack, response and recipient lists in place, keeping what classifies the failure', () => {
    const inner = Object.assign(new Error('Recipient command failed: 450 <ann@example.com>: greylisted'), {
      recipient: 'ann@example.com',
      responseCode: 450,
    });
    const err = Object.assign(
      new Error("Can't send mail - all recipients were rejected: 450 <ann@example.com>: greylisted"),
      {
        code: 'EENVELOPE',
        responseCode: 450,
        response: '450 <ann@example.com>: greylisted',
        rejected: ['ann@example.com'],
        rejectedErrors: [inner],
      },
    );
    expect(redactError(err)).toBe(err);
    expect(
      JSON.stringify({
        ...err,
        message: err.message,
        stack: err.stack,
        inner: { ...inner, message: inner.message, stack: inner.stack },
      }),
    ).not.toContain('ann@');
    expect(err.message).toBe("Can't send mail - all recipients were rejected: 450 <redacted>: greylisted");
    expect(err).toMatchObject({ code: 'EENVELOPE', responseCode: 450, rejected: ['<redacted>'] });
    expect(classifySmtpError(err)).toBe('transient');
  });

  it('leaves what is not an error alone', () => {
    expect(redactError(undefined)).toBeUndefined();
    expect(redactError('text')).toBe('text');
  });
});
