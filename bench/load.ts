// A small HTTP load generator over keep-alive sockets: closed-loop (as fast as the server
// answers, with N requests in flight) or paced (a fixed rate), recording each latency.
import http from 'node:http';

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(opts: {
  port: number;
  next: (i: number) => LoadRequest;
  total: number;
  concurrency: number;
  /** Requests per second; unset = as fast as answered. */
  rate?: number;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const one = (req: LoadRequest) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const r = http.request(
        {
          host: '127.0.0.1',
          port: opts.port,
          path: req.path,
          method: 'POST',
          agent,
          headers: { ...req.headers, 'content-length': String(req.body.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (res.statusCode !== 200) errors++;
            resolve();
          });
        },
      );
      r.on('error', () => {
        errors++;
        resolve();
      });
      r.end(req.body);
    });
  const lane = async () => {
    for (;;) {
      const i = issued++;
      if (i >= opts.total) return;
      if (opts.rate) {
        const due = started + (i / opts.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await one(opts.next(i));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
  return {
    requests: opts.total,
    errors,
    seconds: round(seconds),
    perSec: Math.round(opts.total / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  };
}

export const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
