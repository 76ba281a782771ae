// Shopify codes: one basic code discount per email through the Admin GraphQL API
// (discountCodeBasicCreate, API version SHOPIFY_API_VERSION), limited to the bundle's products,
// usable once, ending at the offer's expiry. The token is the store's Admin API access token
// (SHOPIFY_ADMIN_TOKENS). Plain fetch rather than @shopify/admin-api-client: the client always
// calls https://{shop} (no local contract server) and hides the HTTP status and timeout we need.
import {
  CODE_TIMEOUT_MS,
  isTimeout,
  retryAfterMs,
  sleep,
  type CodeApi,
  type IssueRequest,
  type IssueResult,
} from './issuer.js';

export const SHOPIFY_API_VERSION = '2026-10';

export const CREATE_MUTATION = `mutation discountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

export const LOOKUP_QUERY = `query codeDiscountNodeByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}`;

export interface ShopifyCodesOptions {
  /** Admin API access token per store (the shop's myshopify domain). */
  tokens: Map<string, string>;
  /** `https://{store}` unless given (contract tests point it at a local server). */
  origin?: (store: string) => string;
  timeoutMs?: number;
}

type Answer =
  | { kind: 'ok'; data: Record<string, any> }
  | { kind: 'retry'; mayExist: boolean; waitMs: number; detail: string }
  | { kind: 'fail'; reason: 'api_unauthorized' | 'api_error'; detail: string };

export class ShopifyCodes implements CodeApi {
  constructor(private readonly opts: ShopifyCodesOptions) {}

  async issue(request: IssueRequest): Promise<IssueResult> {
    const token = this.opts.tokens.get(request.store.toLowerCase());
    if (!token) return { ok: false, reason: 'no_credentials' };
    const deadline = Date.now() + (this.opts.timeoutMs ?? CODE_TIMEOUT_MS);
    const call = (query: string, variables: object) => this.call(request.store, token, query, variables, deadline);
    try {
      // Two tries at most; before the second, a create that may have gone through is looked up.
      for (let attempt = 0; ; attempt++) {
        const answer = await call(CREATE_MUTATION, { basicCodeDiscount: discountInput(request) });
        if (answer.kind === 'fail') return { ok: false, reason: answer.reason, detail: answer.detail };
        if (answer.kind === 'ok') return await this.created(answer.data, request, call);
        if (attempt >= 1 || Date.now() + answer.waitMs >= deadline) {
          return {
            ok: false,
            reason: answer.detail === 'throttled' ? 'api_rate_limited' : 'api_error',
            detail: answer.detail,
          };
        }
        await sleep(answer.waitMs);
        if (answer.mayExist && (await this.exists(request.code, call))) return { ok: true, code: request.code };
      }
    } catch (err) {
      if (isTimeout(err)) return { ok: false, reason: 'api_timeout' };
      return { ok: false, reason: 'api_error', detail: (err as Error).message.slice(0, 200) };
    }
  }

  /** The mutation's payload: the node, or userErrors (a taken code is ours from an earlier try). */
  private async created(data: Record<string, any>, request: IssueRequest, call: Caller): Promise<IssueResult> {
    const payload = data.discountCodeBasicCreate;
    const errors: { code?: string; message?: string }[] = payload?.userErrors ?? [];
    if (payload?.codeDiscountNode?.id && errors.length === 0) return { ok: true, code: request.code };
    const taken = errors.some((e) => e.code === 'TAKEN' || /taken|unique/i.test(e.message ?? ''));
    if (taken && (await this.exists(request.code, call))) return { ok: true, code: request.code };
    return {
      ok: false,
      reason: 'api_rejected',
      detail: errors
        .map((e) => e.code ?? e.message)
        .join(', ')
        .slice(0, 200),
    };
  }

  private async exists(code: string, call: Caller): Promise<boolean> {
    const answer = await call(LOOKUP_QUERY, { code });
    return answer.kind === 'ok' && Boolean(answer.data.codeDiscountNodeByCode?.id);
  }

  private async call(
    store: string,
    token: string,
    query: string,
    variables: object,
    deadline: number,
  ): Promise<Answer> {
    const origin = this.opts.origin?.(store) ?? `https://${store}`;
    const res = await fetch(`${origin}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    const body = (await res.json().catch(() => null)) as { data?: Record<string, any>; errors?: unknown } | null;
    if (res.status === 401 || res.status === 403)
      return { kind: 'fail', reason: 'api_unauthorized', detail: `HTTP ${res.status}` };
    // Throttled: nothing was done, so the same request can simply be sent again.
    if (res.status === 429 || throttled(body?.errors)) {
      return {
        kind: 'retry',
        mayExist: false,
        waitMs: retryAfterMs(res.headers.get('retry-after'), 1_000),
        detail: 'throttled',
      };
    }
    // A 5xx may come after the discount was made: look before creating again.
    if (res.status >= 500) return { kind: 'retry', mayExist: true, waitMs: 250, detail: `HTTP ${res.status}` };
    if (!res.ok || !body?.data) return { kind: 'fail', reason: 'api_error', detail: `HTTP ${res.status}` };
    return { kind: 'ok', data: body.data };
  }
}

type Caller = (query: string, variables: object) => Promise<Answer>;

function throttled(errors: unknown): boolean {
  return (
    Array.isArray(errors) &&
    errors.some((e) => (e as { extensions?: { code?: string } })?.extensions?.code === 'THROTTLED')
  );
}

/** DiscountCodeBasicInput: the bundle's products only, once, for anyone holding the code, until endsAt. */
export function discountInput(r: IssueRequest): Record<string, unknown> {
  const value =
    r.amount !== undefined
      ? { discountAmount: { amount: r.amount, appliesOnEachItem: false } }
      : { percentage: Math.round((r.percent ?? 0) * 100) / 10_000 };
  return {
    title: r.title,
    code: r.code,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: { all: 'ALL' },
    customerGets: {
      value,
      items: { products: { productsToAdd: r.productIds.map((id) => `gid://shopify/Product/${id}`) } },
    },
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
  };
}
