// For tests that run `aftercart` as real processes: where the command is, a free port, and
// starting and stopping one.
import { spawn, type ChildProcess } from 'node:child_process';
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

/** An `aftercart` process; `output` keeps what it printed, `running` resolves on its "running" line. */
export function launch(command: string, env: NodeJS.ProcessEnv) {
  const child = spawn('node', [aftercartBin, command], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const running = new Promise<void>((resolve, reject) => {
    const seen = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
      if (output.includes('aftercart running')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`aftercart ${command} exited (${code}): ${output}`)));
  });
  running.catch(() => {});
  return { child, running, output: () => output };
}

export function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
