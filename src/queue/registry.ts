import { Queue, type JobsOptions, type QueueOptions } from 'bullmq';
import type { RedisConnection } from './connection.js';

/**
 * One place that creates producer-side queues, so every queue shares the fail-fast connection and
 * the configured prefix (a Redis Cluster deployment sets a hash-tagged prefix such as `{verisat}`).
 */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: RedisConnection,
    readonly prefix: string,
    /**
     * Where a queue's connection errors go. Without a listener BullMQ prints each one raw to stderr
     * while Redis restarts; the connection reconnects on its own, so they are worth a warning only.
     */
    private readonly onError: (queue: string, err: Error) => void = () => undefined,
  ) {}

  get<T = unknown>(name: string, defaultJobOptions?: JobsOptions): Queue<T> {
    let queue = this.queues.get(name);
    if (!queue) {
      const opts: QueueOptions = { connection: this.connection, prefix: this.prefix };
      if (defaultJobOptions) opts.defaultJobOptions = defaultJobOptions;
      queue = new Queue(name, opts);
      queue.on('error', (err) => this.onError(name, err));
      this.queues.set(name, queue);
    }
    return queue as Queue<T>;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
    this.queues.clear();
  }
}
