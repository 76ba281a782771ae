// GET /metrics is valid Prometheus text exposition, and the webhook counter moves when a
// webhook arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, sampleProducts, type TestApp } from '../support/app.js';
import { missing } from '../support/services.js';
import { fixtureText, postShopifyRaw } from '../ingest/routes/support.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict parser for the text format (version 0.0.4): throws on any line it does not understand. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleLine = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
  const label = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  for (const [n, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const meta = new RegExp(`^# (HELP|TYPE) (${name})(?: (.*))?$`).exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(meta[3] ?? ''))
          throw new Error(`line ${n + 1}: bad TYPE "${line}"`);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    if (line.startsWith('#')) continue; // a plain comment
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`line ${n + 1}: not a sample: "${line}"`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      label.lastIndex = 0;
      while (label.lastIndex < m[2].length) {
        const l = label.exec(m[2]);
        if (!l) throw new Error(`line ${n + 1}: bad labels "${m[2]}"`);
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
    }
    // Values are Go floats (strconv.ParseFloat: NaN and Inf in any case; prom-client writes
    // "Nan" for an event-loop gauge with no samples yet).
    const raw = m[3]!;
    const special = /^([+-]?)(inf|infinity)$/i.exec(raw);
    const value = special ? (special[1] === '-' ? -Infinity : Infinity) : /^nan$/i.test(raw) ? NaN : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`line ${n + 1}: bad value "${raw}"`);
    const family = m[1]!.replace(/_(bucket|sum|count|total|created)$/, '');
    if (!types.has(m[1]!) && !types.has(family)) throw new Error(`line ${n + 1}: sample ${m[1]} has no TYPE`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

describe.skipIf(missing('postgres', 'redis'))('GET /metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ setup: 'services', workers: false });
  });
  afterAll(() => app?.stop());

  const scrape = async () => {
    const res = await fetch(`${app.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  };
  const webhooks = (samples: Sample[], labels: Record<string, string> = {}) =>
    samples
      .filter(
        (s) => s.name === 'aftercart_webhooks_total' && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )
      .reduce((sum, s) => sum + s.value, 0);

  it('parses as Prometheus text and declares our metrics', async () => {
    const { samples, types } = await scrape();
    expect(samples.length).toBeGreaterThan(10);
    expect(types.get('aftercart_webhooks_total')).toBe('counter');
    expect(types.get('aftercart_ingest_seconds')).toBe('histogram');
    expect(types.get('aftercart_sends_total')).toBe('counter');
    expect(samples.some((s) => s.name === 'aftercart_process_cpu_user_seconds_total')).toBe(true);
  });

  it('aftercart_webhooks_total moves when a webhook is posted', async () => {
    const before = await scrape();
    const [product] = sampleProducts();
    expect((await app.postEvent(product)).status).toBe(200);
    const after = await scrape();
    expect(webhooks(after.samples) - webhooks(before.samples)).toBe(1);
    expect(webhooks(after.samples, { source: 'events' }) - webhooks(before.samples, { source: 'events' })).toBe(1);
    // The ingest latency histogram counted it too.
    const count = (p: ReturnType<typeof parsePrometheus>) =>
      p.samples.filter((s) => s.name === 'aftercart_ingest_seconds_count').reduce((n, s) => n + s.value, 0);
    expect(count(after) - count(before)).toBe(1);
  });

  it('a topic we do not know adds no label value: counted as "other", signed or not', async () => {
    const topics = (p: ReturnType<typeof parsePrometheus>) =>
      new Set(p.samples.filter((s) => s.name === 'aftercart_webhooks_total').map((s) => s.labels.topic));
    const before = await scrape();
    const madeUp = `made-up/${Math.random().toString(36).slice(2)}`;
    const body = fixtureText('shopify-orders-create.json');
    expect((await postShopifyRaw(app, madeUp, body, { signature: false })).status).toBe(401);
    expect((await postShopifyRaw(app, madeUp, body, { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(401);
    // A real Shopify topic we do not handle, properly signed: answered, ignored, still "other".
    expect(
      (await postShopifyRaw(app, 'inventory_items/update', fixtureText('shopify-inventory-items-update.json'))).status,
    ).toBe(200);
    const after = await scrape();
    expect([...topics(after)].filter((t) => !topics(before).has(t))).toEqual(
      topics(before).has('other') ? [] : ['other'],
    );
    const other = (p: ReturnType<typeof parsePrometheus>, outcome: string) =>
      webhooks(p.samples, { source: 'shopify', topic: 'other', outcome });
    expect(other(after, 'unauthorized') - other(before, 'unauthorized')).toBe(2);
    expect(other(after, 'ignored') - other(before, 'ignored')).toBe(1);
  });

  it('a refused webhook is counted too, under its own outcome', async () => {
    const before = await scrape();
    const res = await app.postEvent(sampleProducts()[1], {
      secret: 'whsec_' + Buffer.from('some other key, 24 bytes').toString('base64'),
    });
    expect(res.status).toBe(401);
    const after = await scrape();
    expect(webhooks(after.samples) - webhooks(before.samples)).toBe(1);
  });
});
