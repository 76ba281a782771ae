// Prometheus metrics (prom-client), one registry per process, served at GET /metrics.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'aftercart_' });

export const metrics = {
  webhooks: new Counter({ name: 'aftercart_webhooks_total', help: 'Webhooks received by source, topic and outcome', labelNames: ['source', 'topic', 'outcome'] as const, registers: [registry] }),
  ingestSeconds: new Histogram({ name: 'aftercart_ingest_seconds', help: 'Webhook handling latency', labelNames: ['source'] as const, buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] }),
  decisions: new Counter({ name: 'aftercart_decisions_total', help: 'Cross-sell decisions at send time by outcome and reason', labelNames: ['outcome', 'reason'] as const, registers: [registry] }),
  sends: new Counter({ name: 'aftercart_sends_total', help: 'Email sends by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
  renderSeconds: new Histogram({ name: 'aftercart_render_seconds', help: 'Email render latency', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05], registers: [registry] }),
  smtpSeconds: new Histogram({ name: 'aftercart_smtp_seconds', help: 'SMTP send latency', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
};
