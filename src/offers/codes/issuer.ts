// What every code source answers: a code for one email, or why there is none. A code that cannot
// be had never blocks the email: it goes without the bundle panel and the reason is recorded.

/** Why an email has no bundle panel (cross_sells.offer.reason; `explain` prints it). */
export type OfferReason =
  | 'too_few_items' // fewer than bundle.minItems chosen items with a price in the order's currency
  | 'pool_empty' // no unused code left in the store's pool
  | 'no_credentials' // no API token / keys for this store in the environment
  | 'api_unauthorized' // 401/403 from the store's API
  | 'api_rejected' // the API refused the code (Shopify userErrors, a WooCommerce 400)
  | 'api_rate_limited' // 429 / THROTTLED until the time ran out
  | 'api_error' // 5xx, a network error, an answer we cannot read
  | 'api_timeout'; // no answer within the time allowed (5 s)

export type IssueResult = { ok: true; code: string } | { ok: false; reason: OfferReason; detail?: string };

export interface IssueRequest {
  store: string;
  crossSellId: string;
  /** The code to create, made from the cross-sell id (so a retry looks for the same code). */
  code: string;
  /** The bundle's products (the platform's product ids). */
  productIds: string[];
  email: string;
  startsAt: Date;
  endsAt: Date;
  percent?: number;
  /** Fixed amount off the bundle, a decimal string. */
  amount?: string;
  /** A title the merchant sees in their discounts list. */
  title: string;
}

/** A store platform's API that creates single-use codes. */
export interface CodeApi {
  issue(request: IssueRequest): Promise<IssueResult>;
}

/** The whole budget for one code, retries included (issue #18: 5 s). */
export const CODE_TIMEOUT_MS = 5_000;

/** An error thrown by fetch under an AbortSignal.timeout(). */
export function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name === 'TimeoutError' || name === 'AbortError';
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds of a Retry-After header, capped so a retry stays inside the budget. */
export function retryAfterMs(header: string | null, capMs: number): number {
  const seconds = Number(header);
  return Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 500, capMs);
}
