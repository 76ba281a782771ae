// `aftercart preview ORDER_ID [--store S] [--out FILE]`: the email of one order rendered the way
// the worker renders it, without claiming, recording or sending anything; and the pure
// emailProps() both use.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleProducts, type TestApp } from '../support/app.js';
import { missing, services, sleep, startSmtpSink, tempDir, type SmtpSink } from '../support/services.js';
import { run } from '../../src/cli/preview.js';
import { emailProps, type LinkedItem } from '../../src/mail/email-props.js';
import { parseConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { crossSellOf, deliveryConfig, hrefs, mailTo, orderEvent, PUBLIC_URL, settled } from './support.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

describe('emailProps (pure)', () => {
  const config = parseConfig({
    store: { name: 'Pixel', url: 'https://pixel.example', colors: { brand: '#000000' } },
    recommend: { bundle: { percent: 10, code: 'TEN' } },
  });
  const item = (productId: string, extra: Partial<LinkedItem> = {}): LinkedItem => ({
    productId,
    title: `T ${productId}`,
    source: 'declared',
    score: 1,
    reason: 'r',
    reasonCode: 'goes_with',
    anchorProductId: 'P1',
    anchorTitle: 'Console X',
    url: `https://pixel.example/p/${productId}`,
    imageUrl: `https://pixel.example/i/${productId}.png`,
    price: '9.99',
    currency: 'USD',
    href: `https://t.example/c/${productId}`,
    ...extra,
  });
  const crossSell = {
    locale: 'de-DE',
    currency: 'USD',
    firstName: 'Dora',
    lines: [
      { title: 'Console X', quantity: 1 },
      { title: 'Console X', quantity: 2 },
      { title: 'Refunded', quantity: 0 },
    ],
  };

  it('maps store, customer, bought titles, items (required from the source), bundle and unsubscribe URL', () => {
    const props = emailProps({
      config,
      crossSell,
      items: [item('P2'), item('P3', { source: 'required', reasonCode: 'needed_for' })],
      unsubscribeUrl: 'https://t.example/u/x',
    });
    expect(props).toEqual({
      store: {
        name: 'Pixel',
        url: 'https://pixel.example',
        logoUrl: undefined,
        colors: { brand: '#000000', accent: '#2563eb' },
      },
      locale: 'de-DE',
      currency: 'USD',
      customer: { firstName: 'Dora' },
      bought: [{ title: 'Console X' }],
      items: [
        {
          productId: 'P2',
          title: 'T P2',
          imageUrl: 'https://pixel.example/i/P2.png',
          price: '9.99',
          href: 'https://t.example/c/P2',
          reasonCode: 'goes_with',
          anchorTitle: 'Console X',
          required: false,
        },
        {
          productId: 'P3',
          title: 'T P3',
          imageUrl: 'https://pixel.example/i/P3.png',
          price: '9.99',
          href: 'https://t.example/c/P3',
          reasonCode: 'needed_for',
          anchorTitle: 'Console X',
          required: true,
        },
      ],
      bundle: { percent: 10, code: 'TEN' },
      unsubscribeUrl: 'https://t.example/u/x',
    });
  });

  it('falls back to en-US, the items’ currency, no name and no bundle', () => {
    const props = emailProps({
      config: parseConfig({}),
      crossSell: { locale: null, currency: null, firstName: null, lines: [] },
      items: [item('P2', { currency: 'eur' })],
      unsubscribeUrl: 'u',
    });
    expect(props).toMatchObject({
      locale: 'en-US',
      currency: 'EUR',
      customer: { firstName: undefined },
      bought: [],
      bundle: null,
    });
    expect(props.items[0]!.price).toBe('9.99');
  });

  it('never shows a catalog price in the wrong currency: a USD price in a EUR order is left out', () => {
    const props = emailProps({
      config,
      crossSell: { ...crossSell, currency: 'EUR' },
      items: [item('P2'), item('P4', { currency: undefined })],
      unsubscribeUrl: 'u',
    });
    expect(props.currency).toBe('EUR');
    expect(props.items.map((i) => i.price)).toEqual([undefined, '9.99']);
  });
});

const skip = missing('postgres', 'redis');

describe.skipIf(skip)('aftercart preview against a real database', () => {
  const appConfig: ConfigInput = {
    ...deliveryConfig(),
    store: { name: 'Preview Shop', url: 'https://shop.example', from: 'Preview Shop <hi@preview.example>' },
  };
  let app: TestApp;
  let smtp: SmtpSink;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  async function preview(argv: string[]) {
    const out = capture();
    const err = capture();
    const code = await run(argv, { env, stdout: out.stream, stderr: err.stream });
    return { code, stdout: out.text(), stderr: err.text() };
  }

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({ setup: 'services', config: appConfig, smtpUrl: smtp.url });
    for (const p of sampleProducts()) expect((await app.postEvent(p)).status).toBe(200);
    for (const p of sampleProducts('other')) expect((await app.postEvent(p)).status).toBe(200);
    dir = await tempDir('aftercart-preview-');
    const configFile = path.join(dir, 'aftercart.config.json');
    await writeFile(configFile, JSON.stringify(appConfig));
    env = {
      DATABASE_URL: app.db.url,
      REDIS_URL: services().redis!,
      AFTERCART_DATA_DIR: dir,
      AFTERCART_CONFIG: configFile,
      PUBLIC_URL,
      LINK_SECRET: 'test-link-secret-0123456789',
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('renders a sent order exactly as the email the customer received', async () => {
    expect((await app.postEvent(orderEvent('6001', { email: 'pia@example.com', firstName: 'Pia' }))).status).toBe(200);
    expect((await settled(app, '6001')).status).toBe('sent');
    const mail = mailTo(smtp, 'pia@example.com')[0]!;
    const file = path.join(dir, '6001.html');
    const r = await preview(['6001', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'preview of order 6001 (demo, status sent): "Everything you need for your Console X", items P3, P2, P4',
    );
    expect(r.stderr).toContain(`→ ${file}`);
    const html = await readFile(file, 'utf8');
    expect(html.replace(/\r\n/g, '\n')).toBe((mail.html as string).replace(/\r\n/g, '\n'));
  });

  it('writes HTML to stdout for a scheduled order, and is a dry run: nothing claimed, recorded, queued or sent', async () => {
    // Ordered "an hour from now": due in an hour, so the worker leaves it alone.
    const createdAt = new Date(Date.now() + 3_600_000);
    expect(
      (
        await app.postEvent(
          orderEvent('6002', { email: 'udo@example.com', firstName: 'Udo', locale: 'de-DE', createdAt }),
        )
      ).status,
    ).toBe(200);
    const snapshot = async () =>
      (
        await app.db.pool.query(
          `SELECT status, reason, attempts, items, figures, message_id, sent_at, updated_at, due_at FROM cross_sells WHERE order_id = '6002'`,
        )
      ).rows[0];
    const before = await snapshot();
    expect(before).toMatchObject({ status: 'scheduled', attempts: 0, items: null });
    const counts = async () =>
      (
        await app.db.pool.query(
          `SELECT (SELECT count(*) FROM clicks)::int AS clicks, (SELECT count(*) FROM suppressions)::int AS suppressions, (SELECT count(*) FROM cross_sells)::int AS xs`,
        )
      ).rows[0];
    const countsBefore = await counts();
    const sentBefore = smtp.messages.length;

    const r = await preview(['6002']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<!DOCTYPE html/);
    expect(r.stdout).toContain('Hallo Udo,');
    expect(r.stdout).toContain('Benötigt für Console X');
    expect(r.stderr).toContain('status scheduled');
    // Links are the ones the email would carry: signed, for this cross-sell.
    const row = (await crossSellOf(app, '6002'))!;
    const clicks = hrefs(r.stdout).filter((h) => h.startsWith(`${PUBLIC_URL}/c/`));
    expect(clicks.length).toBeGreaterThan(0);
    for (const h of clicks)
      expect(app.links.verify(h.slice(`${PUBLIC_URL}/c/`.length))).toMatchObject({ kind: 'c', crossSellId: row.id });

    await sleep(300);
    expect(await snapshot()).toEqual(before);
    expect(await counts()).toEqual(countsBefore);
    expect(smtp.messages.length).toBe(sentBefore);
    const job = await app.queue.queue.getJob(`xs-${row.id}`);
    expect(await job?.getState()).toBe('delayed');
  });

  it('--store picks between stores with the same order id; without it the ambiguity is a usage error', async () => {
    expect(
      (
        await app.postEvent(
          orderEvent('6003', { store: 'demo', email: 'vic@example.com', createdAt: new Date(Date.now() + 3_600_000) }),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await app.postEvent(
          orderEvent('6003', { store: 'other', email: 'vic@example.com', createdAt: new Date(Date.now() + 3_600_000) }),
        )
      ).status,
    ).toBe(200);
    const both = await preview(['6003']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('demo, other');
    expect(both.stderr).toContain('--store');
    const other = await preview(['6003', '--store', 'other']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toContain('order 6003 (other');
    const otherId = (await crossSellOf(app, '6003', 'other'))!.id;
    const link = hrefs(other.stdout).find((h) => h.startsWith(`${PUBLIC_URL}/u/`))!;
    expect(app.links.verify(link.slice(`${PUBLIC_URL}/u/`.length))).toEqual({ kind: 'u', crossSellId: otherId });
  });

  it('unknown order → 1, nothing to recommend → 1, bad usage → 2', async () => {
    const unknown = await preview(['no-such-order']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('no cross-sell for order no-such-order');

    // P2 (a game) has no complements and no co-purchase history.
    expect(
      (
        await app.postEvent(
          orderEvent('6004', {
            email: 'wim@example.com',
            productId: 'P2',
            title: 'Space Quest',
            productType: 'Video Game',
          }),
        )
      ).status,
    ).toBe(200);
    const none = await preview(['6004']);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('no_complements');

    expect((await preview([])).code).toBe(2);
    expect((await preview(['1', '2'])).code).toBe(2);
    expect((await preview(['6001', '--bogus'])).code).toBe(2);
    const help = await preview(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: aftercart preview ORDER_ID');
  });
});
