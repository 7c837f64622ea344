import { Redis, type RedisOptions } from 'ioredis';

/**
 * Workers block on Redis and must retry forever; producers in request paths must fail fast so the
 * request can answer 503 instead of hanging (BullMQ's production guide).
 */
export function createWorkerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

export function createProducerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    ...extra,
  });
}
