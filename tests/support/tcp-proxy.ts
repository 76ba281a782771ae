// A loopback TCP proxy in front of a real service (Postgres, Redis, SMTP), to cut it off, hang
// it and bring it back mid-test, the way a network or a failing server would.
import net from 'node:net';

export interface TcpProxy {
  /** The target URL with its host and port replaced by the proxy's (credentials kept). */
  url: string;
  /**
   * Drop every connection; new ones are reset at once ('refuse', the service "goes down") or
   * accepted and never answered ('hang', a server that stopped responding). 'stall' keeps the open
   * connections but carries nothing more on them (a frozen server or a partition), and new ones
   * hang; restore() then resets the stalled ones.
   */
  cut(mode?: 'refuse' | 'hang' | 'stall'): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const t = new URL(target);
  let mode: 'pass' | 'refuse' | 'hang' | 'stall' = 'pass';
  const sockets = new Set<net.Socket>();
  const stalled = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  const server = net.createServer((client) => {
    if (mode === 'refuse') return client.destroy();
    track(client);
    if (mode === 'hang' || mode === 'stall') return;
    const upstream = net.connect({ host: t.hostname, port: Number(t.port) });
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(target);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as net.AddressInfo).port);
  return {
    url: proxied.toString(),
    cut(to = 'refuse') {
      mode = to;
      for (const s of sockets) {
        if (to !== 'stall') s.destroy();
        else {
          s.unpipe();
          s.pause();
          stalled.add(s);
        }
      }
    },
    restore() {
      mode = 'pass';
      for (const s of stalled) s.destroy();
      stalled.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
