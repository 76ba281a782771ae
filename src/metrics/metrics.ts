// Prometheus metrics (prom-client), one registry per process, served at GET /metrics (its gate:
// src/http/metrics-gate.ts). Every label value a request can influence is taken from a known
// list (else "other"), so no caller can grow the registry.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { canonicalEventSchema } from '../domain/canonical-event.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'aftercart_' });

const WEBHOOK_SOURCES = new Set(['shopify', 'woocommerce', 'events']);
// The topics the adapters in src/ingest/sources handle (a topic missing here is only counted as
// "other"), the canonical event types, and what the route counts before it knows the topic.
const WEBHOOK_TOPICS = new Set([
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/cancelled',
  'refunds/create',
  'fulfillment_events/create',
  'fulfillments/create',
  'fulfillments/update',
  'products/create',
  'products/update',
  'customers/update',
  'customers_email_marketing_consent/update',
  'customers/redact',
  'customers/data_request',
  'shop/redact',
  'order.created',
  'order.updated',
  'order.restored',
  'order.deleted',
  'product.created',
  'product.updated',
  'product.restored',
  'customer.created',
  'customer.updated',
  'ping',
  ...canonicalEventSchema.options.map((o) => o.shape.type.value),
  'unknown',
]);

/** The counter, with each listed label's value kept only when known ("other" otherwise). */
function bounded<L extends string>(counter: Counter<L>, known: Partial<Record<L, Set<string>>>) {
  return {
    inc(labels: Record<L, string>, value?: number): void {
      const safe = { ...labels };
      for (const [label, values] of Object.entries(known) as [L, Set<string>][]) {
        if (!values.has(safe[label])) safe[label] = 'other';
      }
      counter.inc(safe, value);
    },
  };
}

export const metrics = {
  webhooks: bounded(
    new Counter({
      name: 'aftercart_webhooks_total',
      help: 'Webhooks received by source, topic and outcome',
      labelNames: ['source', 'topic', 'outcome'] as const,
      registers: [registry],
    }),
    { source: WEBHOOK_SOURCES, topic: WEBHOOK_TOPICS },
  ),
  ingestSeconds: new Histogram({
    name: 'aftercart_ingest_seconds',
    help: 'Webhook handling latency',
    labelNames: ['source'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  }),
  decisions: new Counter({
    name: 'aftercart_decisions_total',
    help: 'Cross-sell decisions at send time by outcome and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  }),
  sends: new Counter({
    name: 'aftercart_sends_total',
    help: 'Email sends by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  renderSeconds: new Histogram({
    name: 'aftercart_render_seconds',
    help: 'Email render latency',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
    registers: [registry],
  }),
  smtpSeconds: new Histogram({
    name: 'aftercart_smtp_seconds',
    help: 'SMTP send latency',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  }),
};
