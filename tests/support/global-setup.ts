// Makes sure the real services the integration tests use are running: PostgreSQL, Redis and a
// 3-master Redis Cluster on loopback, started the same way .ci/run starts them. With CI=true a
// missing service fails the run; locally, tests that need it are skipped with a message saying why.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import type { TestProject } from 'vitest/node';
import { parseRedisUrl } from '../../src/queue/redis-connection.js';

const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/aftercart_test';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_CLUSTER =
  process.env.TEST_REDIS_CLUSTER_URL ?? 'redis+cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';

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

/** Every node of a cluster URL answers TCP (scripts/services.sh waits for cluster_state:ok). */
async function clusterReachable(url: string): Promise<boolean> {
  const target = parseRedisUrl(url);
  const nodes =
    target.kind === 'cluster'
      ? target.nodes
      : [new URL(url)].map((u) => ({ host: u.hostname, port: Number(u.port || 6379) }));
  const up = await Promise.all(nodes.map((n) => reachable(`redis://${n.host}:${n.port}`, 6379)));
  return up.every(Boolean);
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: { postgres: string | null; redis: string | null; redisCluster: string | null };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  let pg = await reachable(POSTGRES, 5432);
  let redis = await reachable(REDIS, 6379);
  let cluster = await clusterReachable(REDIS_CLUSTER);
  if ((!pg || !redis || !cluster) && process.getuid?.() === 0 && process.env.AFTERCART_NO_SERVICE_START !== '1') {
    try {
      execFileSync('bash', [new URL('../../scripts/services.sh', import.meta.url).pathname], {
        stdio: 'inherit',
        timeout: 300_000,
      });
    } catch (err) {
      console.warn(`could not start services: ${(err as Error).message}`);
    }
    pg = await reachable(POSTGRES, 5432);
    redis = await reachable(REDIS, 6379);
    cluster = await clusterReachable(REDIS_CLUSTER);
  }
  if (process.env.CI === 'true' && (!pg || !redis || !cluster)) {
    const state = (up: boolean) => (up ? 'up' : 'DOWN');
    throw new Error(
      `CI=true and a service is missing: postgres ${state(pg)} (${POSTGRES}), redis ${state(redis)} (${REDIS}), redis cluster ${state(cluster)} (${REDIS_CLUSTER})`,
    );
  }
  project.provide('services', {
    postgres: pg ? POSTGRES : null,
    redis: redis ? REDIS : null,
    redisCluster: cluster ? REDIS_CLUSTER : null,
  });
}
