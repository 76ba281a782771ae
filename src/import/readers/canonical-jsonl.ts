// Canonical JSON lines (one object per line, plain or gzip): orders as in `order.created`
// (bare order objects or whole events), products as in `product.upserted`. Validated with the
// same zod schemas as the webhooks; a bad line is reported with its number and skipped.
import { createInterface } from 'node:readline';
import { orderSchema, productSchema } from '../../domain/canonical-event.js';
import { openText } from './open-text.js';
import type { HistoryOrder, HistoryReturn, ProductRecord, RowError } from './types.js';
import { z } from 'zod';

async function* jsonLines(path: string): AsyncGenerator<{ line: number; value?: unknown; error?: string }> {
  const rl = createInterface({ input: await openText(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    const t = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (!t) continue;
    try {
      yield { line, value: JSON.parse(t) };
    } catch (err) {
      yield { line, error: `not JSON: ${(err as Error).message}` };
    }
  }
}

/** Unwraps `{ type, data: { order } }` / `{ type, data: { product } }` events to the object. */
function unwrap(value: unknown, key: 'order' | 'product'): unknown {
  if (value && typeof value === 'object' && 'data' in value) {
    const data = (value as { data?: Record<string, unknown> }).data;
    if (data && typeof data === 'object' && key in data) return data[key];
  }
  return value;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

const returnsSchema = z
  .array(
    z.object({
      productId: z.union([z.string().min(1), z.number()]).transform(String),
      quantity: z.number().int().nonnegative(),
      amount: z.string().optional(),
    }),
  )
  .optional();

export async function* readCanonicalOrdersJsonl(
  path: string,
  onError: (e: RowError) => void = () => {},
): AsyncGenerator<HistoryOrder> {
  for await (const { line, value, error } of jsonLines(path)) {
    if (error) {
      onError({ line, error });
      continue;
    }
    const raw = unwrap(value, 'order');
    const parsed = orderSchema.safeParse(raw);
    if (!parsed.success) {
      onError({ line, error: describe(parsed.error) });
      continue;
    }
    // History files may carry what came back with the order: `returns: [{productId, quantity}]`.
    const extra = returnsSchema.safeParse((raw as { returns?: unknown }).returns);
    if (!extra.success) {
      onError({ line, error: `returns: ${describe(extra.error)}` });
      continue;
    }
    const o = parsed.data;
    yield {
      id: o.id,
      customerId: o.customer.id,
      email: o.customer.email,
      createdAt: new Date(o.createdAt),
      currency: o.currency,
      lines: o.lines.map((l) => ({
        productId: l.productId,
        title: l.title,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        productType: l.productType,
        sku: l.sku,
      })),
      returns: (extra.data ?? []) as HistoryReturn[],
      financialStatus: o.financialStatus,
      cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : undefined,
      line,
    };
  }
}

export async function* readCanonicalProductsJsonl(path: string): AsyncGenerator<ProductRecord> {
  for await (const { line, value, error } of jsonLines(path)) {
    if (error) {
      yield { ok: false, line, error };
      continue;
    }
    const parsed = productSchema.safeParse(unwrap(value, 'product'));
    if (!parsed.success) yield { ok: false, line, error: describe(parsed.error) };
    else yield { ok: true, product: parsed.data, line };
  }
}
