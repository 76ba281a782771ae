// For tests that run `aftercart` as real processes: where the command is, and a free port.
import net from 'node:net';
import path from 'node:path';

export const projectRoot = new URL('../../', import.meta.url).pathname;
export const aftercartBin = path.join(projectRoot, 'bin/aftercart.mjs');

/** A loopback port free right now (the OS picks it; closed again before returning). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}
