import { z } from 'zod';
import { clusterAddress, parseClusterNodes } from '../queue/connection.js';
import { area, messageOf, optionalUrl } from './area.js';

/** Redis for BullMQ: one server or a cluster, the queues' key prefix, and how long a job is held. */
export const redis = area(
  {
    REDIS_URL: optionalUrl,
    REDIS_CLUSTER_NODES: z
      .string()
      .transform((v, ctx) => {
        try {
          return clusterAddress(parseClusterNodes(v));
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: messageOf(err) });
          return z.NEVER;
        }
      })
      .optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _ - { } only (use {name} for a Redis Cluster hash tag)')
      .default('verisat'),
    WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  },
  (e, _at, report) => {
    if (e.REDIS_CLUSTER_NODES) {
      if (e.REDIS_URL) report('REDIS_CLUSTER_NODES', 'set it or REDIS_URL, not both');
      // BullMQ's scripts touch several keys of a queue at once; on a cluster they must share a slot.
      if (!/\{[^{}]+\}/.test(e.QUEUE_PREFIX))
        report('QUEUE_PREFIX', 'a Redis Cluster needs a hash-tagged prefix such as {verisat}');
    }
    return {
      /** A `redis://` URL, or a `redis-cluster://host:port,...` list made from REDIS_CLUSTER_NODES. */
      redisUrl: e.REDIS_CLUSTER_NODES ?? e.REDIS_URL,
      queuePrefix: e.QUEUE_PREFIX,
      /** A job whose worker died is taken up again after this long (BullMQ lock and stall check). */
      workerLockMs: e.WORKER_LOCK_MS,
    };
  },
);
