// REDIS_URL names one Redis (`redis://`, `rediss://`) or a Redis Cluster
// (`redis+cluster://[user:password@]host:port,host:port,…`, `rediss+cluster://` for TLS). This is
// the one place that tells them apart and opens the matching ioredis client.
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\/(.*)$/i;
const NODE = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@,]+)(?::(\d{1,5}))?$/i;

/** Parses REDIS_URL; throws an Error whose message says what is wrong (never echoing a password). */
export function parseRedisUrl(url: string): RedisTarget {
  const cluster = CLUSTER_SCHEME.exec(url.trim());
  if (!cluster) {
    const protocol = safeProtocol(url);
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new Error('expected a URL starting with redis:// or rediss://, or redis+cluster://host:port,host:port,…');
    }
    return { kind: 'single', url };
  }
  const [, scheme, rest] = cluster as unknown as [string, string, string];
  const at = rest.lastIndexOf('@');
  const auth = at >= 0 ? rest.slice(0, at) : undefined;
  const list = (at >= 0 ? rest.slice(at + 1) : rest).replace(/\/$/, '');
  const nodes = list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map(parseNode);
  if (nodes.length === 0) throw new Error('expected at least one host:port after redis+cluster://');
  return { kind: 'cluster', nodes, tls: scheme.toLowerCase() === 'rediss', ...parseAuth(auth) };
}

function safeProtocol(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}

function parseNode(node: string): { host: string; port: number } {
  const m = NODE.exec(node);
  const port = Number(m?.[2] ?? 6379);
  if (!m || port < 1 || port > 65535) throw new Error(`expected host:port in redis+cluster://, got "${node}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseAuth(auth: string | undefined): { username?: string; password?: string } {
  if (!auth) return {};
  const colon = auth.indexOf(':');
  const decode = (s: string) => (s ? decodeURIComponent(s) : undefined);
  if (colon < 0) return { username: decode(auth) };
  return { username: decode(auth.slice(0, colon)), password: decode(auth.slice(colon + 1)) };
}

/**
 * Opens a client for REDIS_URL with per-connection `options` (retries, timeouts). A cluster gets
 * them on every node it connects to; its offline queue follows `enableOfflineQueue` too.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis | Cluster {
  const target = parseRedisUrl(url);
  if (target.kind === 'single') return new Redis(url, options);
  const { enableOfflineQueue, ...nodeOptions } = options;
  const auth = {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
  };
  const nodes: ClusterNode[] = target.nodes;
  return new Cluster(nodes, {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    redisOptions: { ...nodeOptions, ...auth, ...(target.tls ? { tls: {} } : {}) },
  });
}

/** A key prefix whose keys all land in one cluster slot: Redis hashes what lies between the first
 * `{` and the next `}`, when that is not empty. */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1;
}
