// Shared by the route tests: published fixtures read in place, raw HTTP posts to the three
// webhook routes (signed correctly or not), row counts of every table a webhook may write,
// and the webhook counter read back from GET /metrics.
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { EVENTS_SECRET, SHOPIFY_SECRET, WOO_SECRET, type TestApp } from '../../support/app.js';
import { sharedPath } from '../../support/shared.js';

const fixturesDir = sharedPath('fixtures/webhooks/');

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir, name));
}

export function fixtureText(name: string): string {
  return fixture(name).toString('utf8');
}

/**
 * A published Shopify order payload as a live order: Shopify's samples are all cancelled, so this
 * one field is cleared and every other byte stays as published.
 */
export function liveShopifyOrder(name: string): string {
  const text = fixtureText(name);
  const live = text.replace('"cancelled_at": "2021-12-31T19:00:00-05:00"', '"cancelled_at": null');
  if (live === text) throw new Error(`${name}: no cancelled_at to clear (the fixture changed?)`);
  return live;
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

export function fixtureNames(prefix: string): string[] {
  return readdirSync(fixturesDir)
    .filter((n) => n.startsWith(prefix) && n.endsWith('.json'))
    .sort();
}

export type Route = 'shopify' | 'woocommerce' | 'events';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** POST raw bytes with exactly these headers; the answer's JSON body (or {} when not JSON). */
export async function post(
  app: TestApp,
  route: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  const res = await fetch(`${app.base}/webhooks/${route}`, {
    method: 'POST',
    headers,
    body: new Uint8Array(Buffer.from(body)),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed, text };
}

const hmac = (secret: string | Buffer, body: string | Buffer) =>
  createHmac('sha256', secret).update(body).digest('base64');

export interface ShopifyOpts {
  shop?: string;
  webhookId?: string;
  eventId?: string;
  /** false: no signature header; a string: that header value. */
  signature?: false | string;
  contentType?: string;
}

export function shopifyHeaders(topic: string, body: string | Buffer, o: ShopifyOpts = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': o.shop ?? 'demo.myshopify.com',
    'x-shopify-webhook-id': o.webhookId ?? randomBytes(8).toString('hex'),
    'x-shopify-api-version': '2026-04',
  };
  if (o.eventId) headers['x-shopify-event-id'] = o.eventId;
  if (o.signature !== false) headers['x-shopify-hmac-sha256'] = o.signature ?? hmac(SHOPIFY_SECRET, body);
  return headers;
}

/** Shopify delivery of these exact bytes (the fixture text, possibly edited). */
export function postShopifyRaw(
  app: TestApp,
  topic: string,
  body: string | Buffer,
  o: ShopifyOpts = {},
): Promise<Answer> {
  return post(app, 'shopify', body, shopifyHeaders(topic, body, o));
}

export interface WooOpts {
  site?: string;
  webhookId?: string;
  signature?: false | string;
  contentType?: string;
}

export function wooHeaders(topic: string, body: string | Buffer, o: WooOpts = {}): Record<string, string> {
  const [resource, event] = topic.split('.');
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/json',
    'x-wc-webhook-source': o.site ?? 'https://shop.example/',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': resource ?? '',
    'x-wc-webhook-event': event ?? '',
    'x-wc-webhook-id': o.webhookId ?? '42',
    'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
  };
  if (o.signature !== false) headers['x-wc-webhook-signature'] = o.signature ?? hmac(WOO_SECRET, body);
  return headers;
}

export function postWoo(app: TestApp, topic: string, body: string | Buffer, o: WooOpts = {}): Promise<Answer> {
  return post(app, 'woocommerce', body, wooHeaders(topic, body, o));
}

export interface EventOpts {
  id?: string;
  /** false: no signature header; a string: that header value. */
  signature?: false | string;
  contentType?: string;
  /** Sign with another secret (a bad signature of the right shape). */
  secret?: string;
}

export function eventHeaders(body: string | Buffer, o: EventOpts = {}): Record<string, string> {
  const id = o.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const ts = new Date();
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
  };
  if (o.signature !== false) {
    // standardwebhooks signs a string payload; bytes that are not UTF-8 are signed by hand.
    const key = Buffer.from((o.secret ?? EVENTS_SECRET).slice('whsec_'.length), 'base64');
    headers['webhook-signature'] =
      o.signature ??
      `v1,${hmac(key, Buffer.concat([Buffer.from(`${id}.${headers['webhook-timestamp']}.`), Buffer.from(body)]))}`;
  }
  return headers;
}

/** A canonical event (object or exact text) signed per Standard Webhooks. */
export function postEventRaw(app: TestApp, body: string | Buffer | object, o: EventOpts = {}): Promise<Answer> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return post(app, 'events', raw, eventHeaders(raw, o));
}

/** The library's own signature, to check our hand-made one agrees with it. */
export function librarySignature(id: string, timestamp: string, body: string): string {
  return new Webhook(EVENTS_SECRET).sign(id, new Date(Number(timestamp) * 1000), body);
}

/** Every table a webhook may write. */
export const TABLES = [
  'deliveries',
  'orders',
  'order_lines',
  'products',
  'customers',
  'cross_sells',
  'tickets',
  'suppressions',
  'clicks',
  'conversions',
  'copurchase',
] as const;
export type Counts = Record<(typeof TABLES)[number], number>;

export async function tableCounts(pool: pg.Pool): Promise<Counts> {
  const sql = `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`;
  return (await pool.query(sql)).rows[0] as Counts;
}

/** A table's count, optionally for one store. */
export async function rows(pool: pg.Pool, table: (typeof TABLES)[number], store?: string): Promise<number> {
  const res = await pool.query(
    `SELECT count(*)::int AS n FROM ${table}${store ? ' WHERE store = $1' : ''}`,
    store ? [store] : [],
  );
  return res.rows[0].n as number;
}

/** The value of one `aftercart_webhooks_total` series from GET /metrics (0 when absent). */
export async function webhookCounter(
  app: TestApp,
  labels: { source: string; topic: string; outcome: string },
): Promise<number> {
  const text = await (await fetch(`${app.base}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^aftercart_webhooks_total\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const found = Object.fromEntries([...m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (found.source === labels.source && found.topic === labels.topic && found.outcome === labels.outcome)
      return Number(m[2]);
  }
  return 0;
}

export const uniqueShop = (label: string) =>
  `${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${randomBytes(3).toString('hex')}.myshopify.com`;
