// The address judge: one plain addr-spec is normalised (trimmed, domain lower-cased); a list,
// a display name, a group, a header break or an over-long address is no address at all.
import { describe, expect, it } from 'vitest';
import { normaliseEmail, storedEmail } from '../../src/domain/email-address.js';
import { addressHash, customerKey, emailHash } from '../../src/domain/customer-key.js';

describe('normaliseEmail', () => {
  it.each([
    ['a comma-separated list', 'a@x.example, victim@y.example'],
    ['a list without a space', 'a@x.example,victim@y.example'],
    ['a semicolon list', 'a@x.example; b@y.example'],
    ['a display name', 'Name <victim@y.example>'],
    ['a quoted display name', '"Victim" <victim@y.example>'],
    ['an angle-bracketed address', '<victim@y.example>'],
    ['RFC 5322 group syntax', 'group: a@x.example;'],
    ['an empty group', 'undisclosed-recipients:;'],
    ['a CR/LF header injection', 'a@x.example\r\nBcc: victim@y.example'],
    ['a bare LF', 'a@x.example\nvictim@y.example'],
    ['a trailing CR/LF', 'a@x.example\r\n'],
    ['a comment', 'a@x.example (victim@y.example)'],
    ['whitespace inside', 'a b@x.example'],
    ['a tab inside', 'a@x.\texample'],
    ['a quoted local part', '"a,b"@x.example'],
    ['two @', 'a@b@x.example'],
    ['no @', 'a.x.example'],
    ['no local part', '@x.example'],
    ['no domain', 'a@'],
    ['a dotless domain', 'a@localhost'],
    ['a domain literal', 'a@[192.0.2.1]'],
    ['an IP address as domain', 'a@192.0.2.1'],
    ['a leading dot', '.a@x.example'],
    ['a double dot', 'a..b@x.example'],
    ['an empty label', 'a@x..example'],
    ['a trailing dot in the domain', 'a@x.example.'],
    ['a hyphen at a label edge', 'a@-x.example'],
    ['a NUL character', 'a\u0000@x.example'],
    ['a zero-width space', 'a\u200b@x.example'],
    ['a fullwidth comma', 'a\uff0cb@x.example'],
    ['a local part over 64 octets', `${'a'.repeat(65)}@x.example`],
    ['a label over 63 octets', `a@${'b'.repeat(64)}.example`],
    ['a domain over 255 octets', `a@${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example`],
    ['an address over 254 octets', `${'a'.repeat(64)}@${['b', 'c', 'd'].map((c) => c.repeat(63)).join('.')}.ex`],
    ['a multi-byte local part over 64 octets', `${'ö'.repeat(33)}@x.example`],
    ['blank text', '   '],
  ])('rejects %s', (_what, raw) => {
    expect(normaliseEmail(raw)).toBeNull();
  });

  it.each([
    ['jon@example.com', 'jon@example.com'],
    [' Victim@Y.EXAMPLE ', 'Victim@y.example'],
    ['\tann@Shop.Example\t', 'ann@shop.example'],
    ["o'brien+tag@Sub.Example.COM", "o'brien+tag@sub.example.com"],
    ['first.last@x-y.example', 'first.last@x-y.example'],
    ['a!#$%&*/=?^_`{|}~-b@x.example', 'a!#$%&*/=?^_`{|}~-b@x.example'],
    ['jöhn@Bücher.DE', 'jöhn@bücher.de'],
    [`${'a'.repeat(64)}@x.example`, `${'a'.repeat(64)}@x.example`],
    [`a@${'b'.repeat(63)}.example`, `a@${'b'.repeat(63)}.example`],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it('reads absent values as no address', () => {
    expect(normaliseEmail(undefined)).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
  });
});

describe('storedEmail', () => {
  it('keeps the normalised address, or the text as given when it is none, or nothing', () => {
    expect(storedEmail(' Victim@Y.EXAMPLE ')).toBe('Victim@y.example');
    expect(storedEmail(' Name <victim@y.example> ')).toBe(' Name <victim@y.example> ');
    // Read again by the worker, what was no address is still none.
    expect(normaliseEmail(storedEmail('a@x.example\r\n'))).toBeNull();
    expect(storedEmail('  ')).toBeNull();
    expect(storedEmail(undefined)).toBeNull();
  });
});

describe('keys and hashes from the normalised address', () => {
  it('one customer and one suppression hash for every spelling of an address', () => {
    const key = customerKey({ email: 'victim@y.example' });
    expect(customerKey({ email: ' Victim@Y.EXAMPLE ', id: '7' })).toBe(key);
    expect(addressHash(' Victim@Y.EXAMPLE ')).toBe(emailHash('victim@y.example'));
    // Unchanged from before normalisation: existing keys and suppressions still match.
    expect(key).toBe(`e-${emailHash('victim@y.example')}`);
  });

  it('a display name or a list never takes the key or the suppression of an address in it', () => {
    for (const raw of ['Victim <victim@y.example>', 'a@x.example, victim@y.example']) {
      expect(customerKey({ email: raw })).not.toBe(customerKey({ email: 'victim@y.example' }));
      expect(addressHash(raw)).not.toBe(addressHash('victim@y.example'));
    }
  });
});
