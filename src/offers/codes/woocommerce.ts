// WooCommerce codes: one coupon per email through the REST API v3 (POST /wp-json/wc/v3/coupons),
// limited to the bundle's products and the customer's address, usable once, expiring with the
// offer. Consumer key and secret per store (WOOCOMMERCE_API_KEYS), as HTTP Basic auth (HTTPS).
import type { WooKeys } from '../credentials.js';
import {
  CODE_TIMEOUT_MS,
  isTimeout,
  retryAfterMs,
  sleep,
  type CodeApi,
  type IssueRequest,
  type IssueResult,
} from './issuer.js';

export interface WooCodesOptions {
  keys: Map<string, WooKeys>;
  /** `https://{store}` unless given (contract tests point it at a local server). */
  origin?: (store: string) => string;
  timeoutMs?: number;
}

export class WooCodes implements CodeApi {
  constructor(private readonly opts: WooCodesOptions) {}

  async issue(request: IssueRequest): Promise<IssueResult> {
    const keys = this.opts.keys.get(request.store.toLowerCase());
    if (!keys) return { ok: false, reason: 'no_credentials' };
    const deadline = Date.now() + (this.opts.timeoutMs ?? CODE_TIMEOUT_MS);
    const base = `${this.opts.origin?.(request.store) ?? `https://${request.store}`}/wp-json/wc/v3/coupons`;
    const headers = {
      authorization: `Basic ${Buffer.from(`${keys.key}:${keys.secret}`).toString('base64')}`,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const send = (url: string, init: RequestInit = {}) =>
      fetch(url, { ...init, headers, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
    const exists = async () => {
      const res = await send(`${base}?code=${encodeURIComponent(request.code)}`);
      const list = (await res.json().catch(() => [])) as { code?: string }[];
      return res.ok && Array.isArray(list) && list.some((c) => c.code?.toLowerCase() === request.code.toLowerCase());
    };
    try {
      for (let attempt = 0; ; attempt++) {
        const res = await send(base, { method: 'POST', body: JSON.stringify(couponBody(request)) });
        const body = (await res.json().catch(() => null)) as { id?: number; code?: string; message?: string } | null;
        if (res.status === 201 || (res.ok && body?.id)) return { ok: true, code: request.code };
        if (res.status === 401 || res.status === 403)
          return { ok: false, reason: 'api_unauthorized', detail: body?.code };
        // Already there: an earlier try made it (the code is ours alone).
        if (body?.code === 'woocommerce_rest_coupon_code_already_exists' && (await exists()))
          return { ok: true, code: request.code };
        const retriable = res.status === 429 || res.status >= 500;
        if (!retriable) return { ok: false, reason: 'api_rejected', detail: body?.code ?? `HTTP ${res.status}` };
        const waitMs = retryAfterMs(res.headers.get('retry-after'), 1_000);
        if (attempt >= 1 || Date.now() + waitMs >= deadline) {
          return {
            ok: false,
            reason: res.status === 429 ? 'api_rate_limited' : 'api_error',
            detail: `HTTP ${res.status}`,
          };
        }
        await sleep(waitMs);
        // A 5xx may come after the coupon was saved: look before creating again.
        if (res.status >= 500 && (await exists())) return { ok: true, code: request.code };
      }
    } catch (err) {
      if (isTimeout(err)) return { ok: false, reason: 'api_timeout' };
      return { ok: false, reason: 'api_error', detail: (err as Error).message.slice(0, 200) };
    }
  }
}

/** The coupon: percent or a fixed cart amount, the bundle's products, one use, one address. */
export function couponBody(r: IssueRequest): Record<string, unknown> {
  return {
    code: r.code,
    discount_type: r.amount !== undefined ? 'fixed_cart' : 'percent',
    amount: r.amount ?? String(r.percent ?? 0),
    description: r.title,
    product_ids: r.productIds.map(Number).filter(Number.isFinite),
    date_expires_gmt: r.endsAt.toISOString().slice(0, 19),
    usage_limit: 1,
    usage_limit_per_user: 1,
    individual_use: true,
    email_restrictions: [r.email],
  };
}
