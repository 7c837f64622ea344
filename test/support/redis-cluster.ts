import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { clusterAddress } from '../../src/queue/connection.js';
import { findExecutable, startRedis, type EmbeddedService } from '../../src/services/embedded.js';
import { eventually } from './system.js';
import { DEADLINE } from './time.js';

const run = promisify(execFile);

export interface RedisClusterHarness {
  /** `redis-cluster://127.0.0.1:p1,...`: what REDIS_CLUSTER_NODES becomes in the config. */
  address: string;
  /** The same nodes as REDIS_CLUSTER_NODES spells them. */
  nodesEnv: string;
  stop(): Promise<void>;
}

/**
 * A three-master Redis Cluster from the system's `redis-server` (cluster-enabled, each node on a
 * free loopback port with its own folder and AOF), its 16384 slots split by `redis-cli --cluster
 * create`; resolves once every node says `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisClusterHarness> {
  const { binSearchPath } = loadConfig({ PATH: process.env.PATH });
  const cli = findExecutable('redis-cli', binSearchPath);
  if (!cli) throw new Error('redis-cli was not found on PATH (Debian: apt-get install redis-tools)');
  const root = mkdtempSync(path.join(os.tmpdir(), 'verisat-cluster-'));
  const nodes: EmbeddedService[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const dataDir = path.join(root, `node-${i}`);
      nodes.push(
        await startRedis({
          dataDir,
          searchPath: binSearchPath,
          persistent: false,
          startTimeoutMs: DEADLINE.process,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            path.join(dataDir, 'nodes.conf'),
            '--cluster-node-timeout',
            '5000',
          ],
        }),
      );
    }
    const hostPorts = nodes.map((n) => new URL(n.url).host);
    await run(cli, ['--cluster', 'create', ...hostPorts, '--cluster-replicas', '0', '--cluster-yes']);
    await eventually(
      async () => {
        const states = await Promise.all(
          nodes.map(async (n) => {
            const probe = new Redis(n.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
            try {
              await probe.connect();
              return String(await probe.call('CLUSTER', 'INFO'));
            } finally {
              probe.disconnect();
            }
          }),
        );
        return states.every((s) => s.includes('cluster_state:ok')) ? true : undefined;
      },
      { within: 'process', what: 'the Redis Cluster to agree on its slots' },
    );
    const address = clusterAddress(
      hostPorts.map((hp) => ({ host: hp.split(':')[0] ?? '', port: Number(hp.split(':')[1]) })),
    );
    return {
      address,
      nodesEnv: hostPorts.join(','),
      stop: async () => {
        await Promise.allSettled(nodes.map((n) => n.stop()));
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
