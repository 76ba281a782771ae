// Logs carry order and send ids, never an email address or a raw payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleOrder, sampleProducts, type TestApp } from '../support/app.js';
import { missing, startSmtpSink, until, type SmtpSink } from '../support/services.js';

describe.skipIf(missing('postgres', 'redis'))('structured logs', () => {
  const lines: string[] = [];
  let app: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startTestApp({
      setup: 'services', smtpUrl: smtp.url, logLines: lines, env: { LOG_LEVEL: 'debug' },
      config: { timing: { default: { after: 'order', delay: '1s' }, quietHours: false }, eligibility: { requireConsent: true } },
    });
    for (const p of sampleProducts()) await app.postEvent(p);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('name the order and the send, never the address or the payload', async () => {
    smtp.failNext([550]); // a bounce is logged too
    await app.postEvent(sampleOrder('LOG-1', { email: 'private.person@example.com' }));
    await app.postEvent(sampleOrder('LOG-2', { email: 'other.person@example.com' }));
    await app.postEvent(sampleOrder('LOG-3', { email: 'no.consent@example.com', consent: false }));
    await until(async () => lines.some((l) => l.includes('"cross-sell sent"')) && lines.some((l) => l.includes('permanent SMTP failure')) && lines.some((l) => l.includes('"cross-sell skipped"')), 15_000);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const sent = entries.find((e) => e.msg === 'cross-sell sent')!;
    expect(sent).toMatchObject({ orderId: expect.stringMatching(/^LOG-/), crossSellId: expect.any(String) });
    expect(entries.find((e) => e.msg === 'cross-sell skipped')).toMatchObject({ orderId: 'LOG-3', reason: 'no_consent' });
    const all = lines.join('\n');
    expect(all).not.toMatch(/[\w.+-]+@example\.com/);
    expect(all).not.toContain('Console X'); // nothing of the order payload
  });
});
