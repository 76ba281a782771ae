// Canonical events posted to /webhooks/events, signed per the Standard Webhooks spec:
// HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}` with the base64 key after `whsec_`,
// `v1,<base64>` signatures separated by spaces (any one may match), 5 minutes of clock tolerance.
//
// Key rotation: the secret argument may hold several `whsec_` secrets separated by spaces and/or
// commas (neither occurs in base64); a signature made with any of them verifies.
import { isLosslessNumber } from 'lossless-json';
import { canonicalEventSchema } from '../../domain/canonical-event.js';
import { describeIssues } from './events.js';
import { hmacSha256Base64, sameSignature } from './hmac.js';
import { parseJsonBody } from './json-body.js';
import { requireHeader } from './request-headers.js';
import { header, type Headers, type ParsedDelivery, type Source, WebhookRejection } from './source.js';

const toleranceSeconds = 5 * 60;
const base64Key = /^[A-Za-z0-9+/]+={0,2}$/;
/** Deeper than any canonical event; guards the recursive walk below. */
const maxDepth = 32;

export const standardWebhooks: Source = {
  name: 'events',

  verify(raw, headers, secret, now = new Date()) {
    const keys = signingKeys(secret);
    const id = signedHeader(headers, 'webhook-id');
    const timestamp = signedHeader(headers, 'webhook-timestamp');
    const signatures = signedHeader(headers, 'webhook-signature')
      .split(/\s+/)
      .filter((s) => s.startsWith('v1,'))
      .map((s) => s.slice(3));

    if (!/^\d{1,12}$/.test(timestamp))
      throw new WebhookRejection(401, 'webhook-timestamp is not a Unix time in seconds');
    const age = now.getTime() / 1000 - Number(timestamp);
    if (age > toleranceSeconds)
      throw new WebhookRejection(401, 'webhook-timestamp too old (more than 5 minutes before now)');
    if (age < -toleranceSeconds)
      throw new WebhookRejection(401, 'webhook-timestamp too new (more than 5 minutes after now)');
    if (signatures.length === 0) throw new WebhookRejection(401, 'webhook-signature holds no v1 signature');

    const signedPrefix = `${id}.${timestamp}.`;
    const expected = keys.map((key) => hmacSha256Base64(key, signedPrefix, raw));
    if (!expected.some((e) => signatures.some((s) => sameSignature(e, s)))) {
      throw new WebhookRejection(401, 'no webhook-signature matches the body signed with the shared secret');
    }
  },

  parse(raw, headers): ParsedDelivery {
    const deliveryId = requireHeader(headers, 'webhook-id');
    const result = canonicalEventSchema.safeParse(plainNumbers(parseJsonBody(raw), 0));
    if (!result.success) throw new WebhookRejection(400, describeIssues(result.error.issues));
    const event = result.data;
    return { deliveryId, topic: event.type, store: event.data.store, events: [event] };
  },
};

function signedHeader(headers: Headers, name: string): string {
  const value = header(headers, name)?.trim();
  if (!value) throw new WebhookRejection(401, `missing ${name} header`);
  return value;
}

/** The HMAC keys of a `whsec_…` secret, or of several (rotation). A bad secret is our error. */
export function signingKeys(secret: string): Buffer[] {
  const parts = secret.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('STANDARD_WEBHOOK_SECRET is empty');
  return parts.map((part, i) => {
    const encoded = part.startsWith('whsec_') ? part.slice('whsec_'.length) : part;
    if (!base64Key.test(encoded)) throw new Error(`STANDARD_WEBHOOK_SECRET: secret ${i + 1} is not whsec_<base64>`);
    return Buffer.from(encoded, 'base64');
  });
}

/**
 * The parsed body with JSON numbers as the schema expects them: integers too big for a double
 * (18-digit ids) become their exact digits as a string; every other number a JS number.
 */
function plainNumbers(value: unknown, depth: number): unknown {
  if (depth > maxDepth) throw new WebhookRejection(400, `body: nested deeper than ${maxDepth} levels`);
  if (isLosslessNumber(value)) {
    const text = value.toString();
    const n = Number(text);
    return /^-?\d+$/.test(text) && !Number.isSafeInteger(n) ? text : n;
  }
  if (Array.isArray(value)) return value.map((v) => plainNumbers(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: a `__proto__` key stays an ordinary key, as JSON.parse leaves it.
      Object.defineProperty(out, k, {
        value: plainNumbers(v, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
