import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** One Redis server or a Redis Cluster: everything that talks to Redis takes either. */
export type RedisConnection = Redis | Cluster;

/**
 * How a Redis Cluster is named where one address is expected (REDIS_CLUSTER_NODES becomes this, so
 * every process, script and test passes one string): `redis-cluster://host:port,host:port,...`.
 */
const CLUSTER_SCHEME = 'redis-cluster://';

export interface ClusterNode {
  host: string;
  port: number;
}

export function clusterAddress(nodes: readonly ClusterNode[]): string {
  return `${CLUSTER_SCHEME}${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/** Parses `host:port,host:port` (REDIS_CLUSTER_NODES); throws naming the bad entry. */
export function parseClusterNodes(list: string): ClusterNode[] {
  const nodes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match?.[1] || !(port > 0 && port < 65536)) throw new Error(`"${entry}" is not host:port`);
      return { host: match[1].replace(/^\[|\]$/g, ''), port };
    });
  if (nodes.length === 0) throw new Error('no nodes given');
  return nodes;
}

function clusterNodesOf(address: string): ClusterNode[] | undefined {
  return address.startsWith(CLUSTER_SCHEME)
    ? parseClusterNodes(address.slice(CLUSTER_SCHEME.length))
    : undefined;
}

/** Cluster options from the options a single connection would get (they apply to each node). */
function cluster(nodes: ClusterNode[], redisOptions: RedisOptions, extra: ClusterOptions = {}): Cluster {
  const { enableOfflineQueue, lazyConnect, enableReadyCheck, enableAutoPipelining, ...perNode } =
    redisOptions;
  return new Cluster(nodes, {
    redisOptions: perNode,
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableReadyCheck !== undefined ? { enableReadyCheck } : {}),
    ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
    // A node that moved a slot is asked again shortly, not failed at once.
    retryDelayOnMoved: 50,
    retryDelayOnClusterDown: 200,
    ...extra,
  });
}

/**
 * Workers block on Redis and must retry forever; producers in request paths must fail fast so the
 * request can answer 503 instead of hanging (BullMQ's production guide). Both accept a `redis://`
 * URL or a `redis-cluster://` node list.
 */
export function createWorkerConnection(address: string, extra: RedisOptions = {}): RedisConnection {
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra };
  const nodes = clusterNodesOf(address);
  return nodes ? cluster(nodes, options) : new Redis(address, options);
}

export function createProducerConnection(address: string, extra: RedisOptions = {}): RedisConnection {
  const options: RedisOptions = {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    ...extra,
  };
  const nodes = clusterNodesOf(address);
  return nodes ? cluster(nodes, options) : new Redis(address, options);
}

/** Where to show a Redis address in a log line or banner (no password). */
export function describeRedis(address: string): string {
  const nodes = clusterNodesOf(address);
  if (nodes)
    return `cluster of ${nodes.length} seed node(s) ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  const url = new URL(address);
  url.password = '';
  return url.toString();
}
