// One writer of suppressions, one policy on which reason a suppression keeps when its address is
// suppressed again: an unsubscribe replaces any other reason; otherwise the first recorded stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { suppress, type SuppressionReason } from '../../src/privacy/suppressions.js';
import { emailHash } from '../../src/domain/customer-key.js';
import { migratedPool } from '../import/support.js';
import { missing } from '../support/services.js';

const skip = missing('postgres');

describe.skipIf(skip)('suppress: which reason wins', () => {
  let db: Awaited<ReturnType<typeof migratedPool>>;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await migratedPool();
    pool = db.pool;
  });
  afterAll(() => db?.close());

  const stored = async (store: string, address: string) =>
    (
      await pool.query(`SELECT reason, email FROM suppressions WHERE store = $1 AND email_hash = $2`, [
        store,
        emailHash(address),
      ])
    ).rows;

  const cases: [string, SuppressionReason, SuppressionReason, SuppressionReason][] = [
    ['a bounce, then an unsubscribe: the unsubscribe', 'bounced', 'unsubscribed', 'unsubscribed'],
    ['a manual entry, then an unsubscribe: the unsubscribe', 'manual', 'unsubscribed', 'unsubscribed'],
    ['a complaint, then an unsubscribe: the unsubscribe', 'complained', 'unsubscribed', 'unsubscribed'],
    ['an unsubscribe, then a bounce: the unsubscribe', 'unsubscribed', 'bounced', 'unsubscribed'],
    ['an unsubscribe, then a manual entry: the unsubscribe', 'unsubscribed', 'manual', 'unsubscribed'],
    ['a manual entry, then a complaint: the first (manual)', 'manual', 'complained', 'manual'],
    ['a bounce, then a manual entry: the first (bounced)', 'bounced', 'manual', 'bounced'],
  ];

  it.each(cases)('%s', async (_name, first, second, winner) => {
    const address = `${first}-${second}@example.com`;
    expect(await suppress(pool, { store: 'shop', address, reason: first })).toEqual({ created: true, reason: first });
    expect(await suppress(pool, { store: 'shop', address, reason: second })).toEqual({
      created: false,
      reason: winner,
    });
    expect(await stored('shop', address)).toEqual([{ reason: winner, email: address }]);
  });

  it('keys the address as sent to (lower-cased) and per store; an erased row stays hash-only', async () => {
    await suppress(pool, { store: 'shop', address: 'Zoe@Example.com', reason: 'bounced' });
    expect(await stored('shop', 'zoe@example.com')).toEqual([{ reason: 'bounced', email: 'zoe@example.com' }]);
    expect(await stored('other', 'zoe@example.com')).toEqual([]);
    await pool.query(`UPDATE suppressions SET email = NULL WHERE email_hash = $1`, [emailHash('zoe@example.com')]);
    await suppress(pool, { store: 'shop', address: 'zoe@example.com', reason: 'unsubscribed' });
    expect(await stored('shop', 'zoe@example.com')).toEqual([{ reason: 'unsubscribed', email: null }]);
  });
});
