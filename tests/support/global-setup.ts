// Makes sure the real services the integration tests use are running: PostgreSQL and Redis on
// loopback, started the same way .ci/run starts them. With CI=true a missing service fails
// the run; locally, tests that need it are skipped with a message saying why.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import type { TestProject } from 'vitest/node';

const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/aftercart_test';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string, fallbackPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || fallbackPort) });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: { postgres: string | null; redis: string | null };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  let pg = await reachable(POSTGRES, 5432);
  let redis = await reachable(REDIS, 6379);
  if ((!pg || !redis) && process.getuid?.() === 0 && process.env.AFTERCART_NO_SERVICE_START !== '1') {
    try {
      execFileSync('bash', [new URL('../../scripts/services.sh', import.meta.url).pathname], { stdio: 'inherit', timeout: 300_000 });
    } catch (err) {
      console.warn(`could not start services: ${(err as Error).message}`);
    }
    pg = await reachable(POSTGRES, 5432);
    redis = await reachable(REDIS, 6379);
  }
  if (process.env.CI === 'true' && (!pg || !redis)) {
    throw new Error(`CI=true and a service is missing: postgres ${pg ? 'up' : 'DOWN'} (${POSTGRES}), redis ${redis ? 'up' : 'DOWN'} (${REDIS})`);
  }
  project.provide('services', { postgres: pg ? POSTGRES : null, redis: redis ? REDIS : null });
}
