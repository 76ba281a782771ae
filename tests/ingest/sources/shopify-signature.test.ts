import { describe, expect, it } from 'vitest';
import { shopify } from '../../../src/ingest/sources/shopify.js';
import { fixture, hmacBase64, rejection, vectors } from './support.js';

const [vector] = vectors.shopify;

describe('Shopify signature (X-Shopify-Hmac-Sha256)', () => {
  it('accepts the published shopify-app-js test vector', () => {
    expect(vector.expected).toBe('B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=');
    expect(() =>
      shopify.verify(Buffer.from(vector.body), { 'x-shopify-hmac-sha256': vector.expected }, vector.secret),
    ).not.toThrow();
  });

  it('signs the exact raw bytes: a re-serialised body no longer verifies', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(vector.body)));
    const err = rejection(() =>
      shopify.verify(reformatted, { 'x-shopify-hmac-sha256': vector.expected }, vector.secret),
    );
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/does not match/);
  });

  it('rejects a tampered body, a wrong secret and a missing header with 401', () => {
    const body = fixture('shopify-orders-create.json');
    const good = hmacBase64('s3cret', body);
    expect(() => shopify.verify(body, { 'x-shopify-hmac-sha256': good }, 's3cret')).not.toThrow();

    const tampered = Buffer.from(body.toString().replace('"USD"', '"EUR"'));
    expect(rejection(() => shopify.verify(tampered, { 'x-shopify-hmac-sha256': good }, 's3cret')).status).toBe(401);
    expect(rejection(() => shopify.verify(body, { 'x-shopify-hmac-sha256': good }, 'other')).status).toBe(401);
    const missing = rejection(() => shopify.verify(body, {}, 's3cret'));
    expect(missing.status).toBe(401);
    expect(missing.message).toBe('missing X-Shopify-Hmac-Sha256 header');
  });

  it('answers a signature of the wrong length with 401, not a timingSafeEqual RangeError', () => {
    const body = Buffer.from(vector.body);
    for (const sig of ['x', vector.expected.slice(0, -1), `${vector.expected}AA`, 'é'.repeat(44)]) {
      expect(rejection(() => shopify.verify(body, { 'x-shopify-hmac-sha256': sig }, vector.secret)).status).toBe(401);
    }
  });

  it('refuses to run without a secret (our misconfiguration, not a 401)', () => {
    const body = Buffer.from(vector.body);
    expect(() => shopify.verify(body, { 'x-shopify-hmac-sha256': hmacBase64('', body) }, '')).toThrow(
      /SHOPIFY_WEBHOOK_SECRET is empty/,
    );
  });
});
