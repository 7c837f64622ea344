import { Cluster } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisConnection } from '../queue/connection.js';

/** A rate-limit counter in Redis, so every web process counts against the same limit. */
export function redisRateLimitStore(redis: RedisConnection, prefix: string): RedisStore {
  if (!(redis instanceof Cluster)) {
    return new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<RedisReply>,
    });
  }
  // On a cluster the counter's EVALSHA goes to the node that owns its key, but a SCRIPT LOAD names
  // no key and would land on any one node: load the script on every master, so each knows its sha.
  return new RedisStore({
    prefix,
    sendCommandCluster: async ({ command }) => {
      const [name = '', ...args] = command;
      if (name.toUpperCase() !== 'SCRIPT') return redis.call(name, ...args) as Promise<RedisReply>;
      const replies = await Promise.all(redis.nodes('master').map((node) => node.call(name, ...args)));
      return replies[0] as RedisReply;
    },
  });
}
