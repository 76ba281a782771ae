// The contract every store platform adapter implements: verify the raw bytes, then map to
// canonical events. Adding a platform is one new file in this folder and one line in index.ts.
import type { CanonicalEvent } from '../../domain/canonical-event.js';

export type Headers = Record<string, string | string[] | undefined>;

/** A request the sender can fix: answered with `status` and `message`, never a 500. */
export class WebhookRejection extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejection';
  }
}

export interface ParsedDelivery {
  /** Unique per source for one delivery; redeliveries repeat it. */
  deliveryId: string;
  /** Alternative dedupe key shared by redeliveries of one merchant action (Shopify event id). */
  eventKey?: string;
  topic: string;
  store: string;
  /** Empty for topics we accept and ignore (pings, unknown topics). */
  events: CanonicalEvent[];
  /** True for a topic this adapter does not handle: answered 200 and counted. */
  ignored?: boolean;
}

export interface Source {
  readonly name: 'shopify' | 'woocommerce' | 'events';
  /** Throws WebhookRejection(401) unless the signature over `raw` is valid for `secret`. */
  verify(raw: Buffer, headers: Headers, secret: string, now?: Date): void;
  /** Maps a verified delivery; throws WebhookRejection(400) naming the missing field. */
  parse(raw: Buffer, headers: Headers): ParsedDelivery;
}

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
