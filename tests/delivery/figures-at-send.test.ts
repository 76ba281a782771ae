// The worker reads a customer's eligibility figures in the statement that loads the
// cross-sell, with the email hash the customer key was made from. That is only right while the
// key still names the address the email goes to: when the address changed, the figures must be
// read for the new address (its suppression, not the old one's).
import { describe, expect, it } from 'vitest';
import { missing } from '../support/services.js';
import { emailHash } from '../../src/domain/customer-key.js';
import { deliver } from '../../workers/deliver.js';
import { crossSellOf, deliverySuite, mailTo, noPostpone } from './support.js';

describe.skipIf(missing('postgres', 'redis'))('eligibility figures at send time', () => {
  const suite = deliverySuite();
  const { dueCrossSell } = suite;
  const postpone = noPostpone;

  const suppress = (email: string) =>
    suite.app.db.pool.query(
      `INSERT INTO suppressions (store, email_hash, reason) VALUES ('demo', $1, 'unsubscribed')`,
      [emailHash(email)],
    );

  it('an unsubscribed address is skipped', async () => {
    const id = await dueCrossSell('7101', 'uma@example.com');
    await suppress('uma@example.com');
    expect(await deliver(suite.deps, id, postpone)).toBe('skipped');
    expect(await crossSellOf(suite.app, '7101')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(mailTo(suite.smtp, 'uma@example.com')).toHaveLength(0);
  });

  it('an address changed since the key was made is judged as the new address', async () => {
    const id = await dueCrossSell('7102', 'vic@example.com');
    await suite.app.db.pool.query(
      `UPDATE customers SET email = 'vic.new@example.com' WHERE store = 'demo' AND email = 'vic@example.com'`,
    );
    await suppress('vic.new@example.com');
    expect(await deliver(suite.deps, id, postpone)).toBe('skipped');
    expect(await crossSellOf(suite.app, '7102')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(mailTo(suite.smtp, 'vic.new@example.com')).toHaveLength(0);
  });

  it('and an address still suppressed under its old key is not (the new address never unsubscribed)', async () => {
    const id = await dueCrossSell('7103', 'wes@example.com');
    await suppress('wes@example.com');
    await suite.app.db.pool.query(
      `UPDATE customers SET email = 'wes.new@example.com' WHERE store = 'demo' AND email = 'wes@example.com'`,
    );
    expect(await deliver(suite.deps, id, postpone)).toBe('sent');
    expect(mailTo(suite.smtp, 'wes.new@example.com')).toHaveLength(1);
  });
});
