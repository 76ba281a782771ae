// The worker reads a customer's eligibility figures in the statement that loads the
// cross-sell, with the email hash the customer key was made from. That is only right while the
// key still names the address the email goes to: when the address changed, the figures must be
// read for the new address (its suppression, not the old one's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleProducts, type TestApp } from '../support/app.js';
import { missing, sleep, startSmtpSink, type SmtpSink } from '../support/services.js';
import { PostgresItemPicker } from '../../src/recommend/postgres-item-picker.js';
import { emailHash } from '../../src/ingest/customer-key.js';
import { deliver, type DeliverDeps } from '../../workers/deliver.js';
import { crossSellOf, deliveryConfig, mailTo, orderEvent } from './support.js';

describe.skipIf(missing('postgres', 'redis'))('eligibility figures at send time', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  let deps: DeliverDeps;
  const postpone = async (): Promise<never> => {
    throw new Error('not expected to postpone');
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', config: deliveryConfig(), smtpUrl: smtp.url, workers: false });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    const config = () => app.settings.config;
    deps = {
      pool: app.db.pool, config, mailer: app.mailer, links: app.links, publicUrl: app.settings.env.PUBLIC_URL.replace(/\/$/, ''),
      items: new PostgresItemPicker(app.db.pool, config), log: app.log,
    };
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  async function dueCrossSell(orderId: string, email: string): Promise<string> {
    expect((await app.postEvent(orderEvent(orderId, { email }))).status).toBe(200);
    const row = (await crossSellOf(app, orderId))!;
    expect(row.status).toBe('scheduled');
    await sleep(1_200); // past its due time
    return row.id;
  }
  const suppress = (email: string) =>
    app.db.pool.query(`INSERT INTO suppressions (store, email_hash, reason) VALUES ('demo', $1, 'unsubscribed')`, [emailHash(email)]);

  it('an unsubscribed address is skipped', async () => {
    const id = await dueCrossSell('7101', 'uma@example.com');
    await suppress('uma@example.com');
    expect(await deliver(deps, id, postpone)).toBe('skipped');
    expect(await crossSellOf(app, '7101')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(mailTo(smtp, 'uma@example.com')).toHaveLength(0);
  });

  it('an address changed since the key was made is judged as the new address', async () => {
    const id = await dueCrossSell('7102', 'vic@example.com');
    await app.db.pool.query(`UPDATE customers SET email = 'vic.new@example.com' WHERE store = 'demo' AND email = 'vic@example.com'`);
    await suppress('vic.new@example.com');
    expect(await deliver(deps, id, postpone)).toBe('skipped');
    expect(await crossSellOf(app, '7102')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(mailTo(smtp, 'vic.new@example.com')).toHaveLength(0);
  });

  it('and an address still suppressed under its old key is not (the new address never unsubscribed)', async () => {
    const id = await dueCrossSell('7103', 'wes@example.com');
    await suppress('wes@example.com');
    await app.db.pool.query(`UPDATE customers SET email = 'wes.new@example.com' WHERE store = 'demo' AND email = 'wes@example.com'`);
    expect(await deliver(deps, id, postpone)).toBe('sent');
    expect(mailTo(smtp, 'wes.new@example.com')).toHaveLength(1);
  });
});
