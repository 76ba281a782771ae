// A light HTTP/1.1 load generator: keep-alive sockets written with pre-built request heads and
// the caller's pre-signed bodies, answers read by status line and Content-Length only. It shares
// the machine's cores with the server it measures, so it does as little as it can per request
// (and reports what that is: cpuMsPerRequest). Closed-loop (N requests in flight, as fast as
// answered) or paced (a fixed rate), recording each latency.
import net from 'node:net';

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
  /** This generator's own CPU (user + system) per request. */
  cpuMsPerRequest: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** The request line and headers, built before the clock starts. */
function head(req: LoadRequest): Buffer {
  let text = `POST ${req.path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(req.headers)) text += `${k}: ${v}\r\n`;
  return Buffer.from(`${text}content-length: ${req.body.length}\r\n\r\n`, 'latin1');
}

/** One keep-alive connection carrying one request at a time; resolves each answer's status. */
class Connection {
  private socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk) => this.read(chunk));
    const fail = () => this.answer(0);
    this.socket.on('error', fail);
    this.socket.on('close', fail);
  }

  send(requestHead: Buffer, body: Buffer): Promise<number> {
    if (this.socket.destroyed) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.cork();
      this.socket.write(requestHead);
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private answer(status: number): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.(status);
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const headText = this.buffered.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(headText);
    if (!length) throw new Error('load generator: an answer without Content-Length');
    const total = end + HEADER_END.length + Number(length[1]);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    this.answer(Number(headText.slice(9, 12)));
  }
}

export async function runLoad(opts: {
  port: number;
  next: (i: number) => LoadRequest;
  total: number;
  concurrency: number;
  /** Requests per second; unset = as fast as answered. */
  rate?: number;
}): Promise<LoadResult> {
  const requests = Array.from({ length: opts.total }, (_, i) => opts.next(i));
  const heads = requests.map(head);
  const latencies = new Float64Array(opts.total);
  let errors = 0;
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    const connection = new Connection(opts.port);
    try {
      for (;;) {
        const i = issued++;
        if (i >= opts.total) return;
        if (opts.rate) {
          const wait = started + (i / opts.rate) * 1000 - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const t0 = performance.now();
        const status = await connection.send(heads[i]!, requests[i]!.body);
        latencies[i] = performance.now() - t0;
        if (status !== 200) errors++;
      }
    } finally {
      connection.close();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort();
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
  return {
    requests: opts.total,
    errors,
    seconds: round(seconds),
    perSec: Math.round(opts.total / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    cpuMsPerRequest: round((used.user + used.system) / 1000 / opts.total, 3),
  };
}

export const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
