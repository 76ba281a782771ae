// Shared by the source adapter tests: published fixtures read in place, and request builders.
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { canonicalEventSchema } from '../../../src/domain/canonical-event.js';
import { type ParsedDelivery, WebhookRejection } from '../../../src/ingest/sources/source.js';
import { sharedPath } from '../../support/shared.js';

const fixturesDir = sharedPath('fixtures/webhooks/');

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir, name));
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;
}

export function fixtureNames(prefix: string): string[] {
  return readdirSync(fixturesDir).filter((n) => n.startsWith(prefix) && n.endsWith('.json'));
}

interface Vectors {
  shopify: { secret: string; body: string; expected: string }[];
  standard_webhooks: {
    secret: string;
    'webhook-id': string;
    'webhook-timestamp': string;
    body: string;
    expected_signature_header: string;
  }[];
}
export const vectors = JSON.parse(fixture('signature-test-vectors.json').toString('utf8')) as Vectors;

export const shop = 'jsmith.myshopify.com';

export function shopifyHeaders(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-shopify-shop-domain': shop,
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
    ...extra,
  };
}

export function wooHeaders(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-wc-webhook-source': 'https://example.com/',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': topic.split('.')[0],
    'x-wc-webhook-event': topic.split('.')[1] ?? '',
    'x-wc-webhook-id': '42',
    'x-wc-webhook-delivery-id': '0f3a5c1c8fa0bd2d4d3dd7b4f8dfc6f1',
    ...extra,
  };
}

export function hmacBase64(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** The rejection `fn` throws, failing the test if it throws anything else or nothing. */
export function rejection(fn: () => unknown): WebhookRejection {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookRejection);
    return err as WebhookRejection;
  }
  throw new Error('expected a WebhookRejection, nothing was thrown');
}

/** A delivery the recorder can take: identity set, every event valid canonically. */
export function expectValidDelivery(delivery: ParsedDelivery): void {
  expect(delivery.deliveryId).toEqual(expect.any(String));
  expect(typeof delivery.topic).toBe('string');
  expect(typeof delivery.store).toBe('string');
  for (const event of delivery.events) {
    const result = canonicalEventSchema.safeParse(event);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  }
}
