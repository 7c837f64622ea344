import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { clusterAddress, describeRedis, parseClusterNodes } from '../../src/queue/connection.js';

describe('Redis addresses', () => {
  it('parses REDIS_CLUSTER_NODES into host and port pairs, IPv6 included', () => {
    expect(parseClusterNodes(' r1:6379, 10.0.0.2:7000 ,[::1]:7001')).toEqual([
      { host: 'r1', port: 6379 },
      { host: '10.0.0.2', port: 7000 },
      { host: '::1', port: 7001 },
    ]);
    expect(() => parseClusterNodes('r1')).toThrow(/"r1" is not host:port/);
    expect(() => parseClusterNodes('r1:99999')).toThrow(/not host:port/);
    expect(() => parseClusterNodes(' , ')).toThrow(/no nodes/);
  });

  it('turns the node list into one address every process passes on, and describes it', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'r1:6379,r2:6379', QUEUE_PREFIX: '{verisat}' });
    expect(config.redisUrl).toBe(
      clusterAddress([
        { host: 'r1', port: 6379 },
        { host: 'r2', port: 6379 },
      ]),
    );
    expect(describeRedis(config.redisUrl ?? '')).toBe('cluster of 2 seed node(s) r1:6379,r2:6379');
    expect(describeRedis('redis://:secret@r1:6379/0')).not.toContain('secret');
  });

  it('refuses a cluster without a hash-tagged prefix, or with REDIS_URL beside it', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
    };
    expect(problems({ REDIS_CLUSTER_NODES: 'r1:6379' })).toEqual([
      'QUEUE_PREFIX: a Redis Cluster needs a hash-tagged prefix such as {verisat}',
    ]);
    expect(
      problems({ REDIS_CLUSTER_NODES: 'r1:6379', QUEUE_PREFIX: '{v}', REDIS_URL: 'redis://r1:6379' }),
    ).toEqual(['REDIS_CLUSTER_NODES: set it or REDIS_URL, not both']);
    expect(problems({ REDIS_CLUSTER_NODES: 'nonsense', QUEUE_PREFIX: '{v}' })[0]).toMatch(
      /^REDIS_CLUSTER_NODES: "nonsense" is not host:port/,
    );
  });
});
