// POST /u/:token says "You are unsubscribed" only once the suppression is stored: a send this
// database does not know (another copy of the data, a token of a wiped database), a customer
// whose address is gone, or a failed write never get the success page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { missing } from '../support/services.js';
import { crossSellOf, deliveryConfig, orderEvent } from './support.js';

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('POST /u/:token answers success only when the unsubscribe was stored', () => {
  let app: TestApp;

  const suppressions = async (email: string) =>
    (await app.db.pool.query(`SELECT reason FROM suppressions WHERE email = $1`, [email])).rows;
  const unsubscribe = (crossSellId: string, html: boolean) =>
    fetch(`${app.base}/u/${app.links.sign({ kind: 'u', crossSellId })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(html ? { accept: 'text/html' } : {}) },
      body: html ? 'confirm=1' : 'List-Unsubscribe=One-Click',
    });
  async function crossSellFor(orderId: string, email: string): Promise<string> {
    expect((await app.postEvent(orderEvent(orderId, { email }))).status).toBe(200);
    return (await crossSellOf(app, orderId))!.id;
  }

  beforeAll(async () => {
    app = await startTestApp({
      setup: 'services',
      config: deliveryConfig({ timing: { default: { after: 'order', delay: '1h' }, quietHours: false } }),
      workers: false,
    });
  });
  afterAll(async () => app?.stop());

  it('a validly signed token for a send this database does not know: 404, never "You are unsubscribed"', async () => {
    const oneClick = await unsubscribe('987654321', false);
    expect(oneClick.status).toBe(404);
    expect(await oneClick.json()).toEqual({ error: 'unknown link' });
    const page = await unsubscribe('987654321', true);
    expect(page.status).toBe(404);
    expect(await page.text()).not.toContain('You are unsubscribed');
  });

  it('a customer whose address is gone (erased): 404, nothing stored', async () => {
    const id = await crossSellFor('U-ERASED', 'gone@example.com');
    await app.db.pool.query(
      `UPDATE customers SET email = NULL WHERE store = 'demo' AND customer_key = (SELECT customer_key FROM cross_sells WHERE id = $1)`,
      [id],
    );
    const res = await unsubscribe(id, true);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('You are unsubscribed');
  });

  it('a failed write answers 5xx, not the success page; once the database takes it, 200 and stored', async () => {
    const id = await crossSellFor('U-FAIL', 'fails@example.com');
    await app.db.pool.query(`
      CREATE FUNCTION refuse_suppression() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
      CREATE TRIGGER refuse_suppression BEFORE INSERT OR UPDATE ON suppressions FOR EACH ROW EXECUTE FUNCTION refuse_suppression();`);
    try {
      const failed = await unsubscribe(id, true);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(await failed.text()).not.toContain('You are unsubscribed');
      expect(await suppressions('fails@example.com')).toEqual([]);
    } finally {
      await app.db.pool.query(`DROP TRIGGER refuse_suppression ON suppressions; DROP FUNCTION refuse_suppression()`);
    }
    const stored = await unsubscribe(id, true);
    expect(stored.status).toBe(200);
    expect(await stored.text()).toContain('You are unsubscribed');
    expect(await suppressions('fails@example.com')).toEqual([{ reason: 'unsubscribed' }]);
  });
});
