import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { RedisConnection } from './connection.js';
import type { Logger } from '../log.js';

export interface WorkerDefinition {
  queue: string;
  /** Receives the job; throws UnrecoverableError for permanent failures, anything else is retried. */
  process: (job: Job, token?: string) => Promise<unknown>;
  options?: Omit<WorkerOptions, 'connection' | 'prefix'>;
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

export function startWorkers(
  definitions: WorkerDefinition[],
  deps: { connection: RedisConnection; prefix: string; log: Logger; lockDurationMs?: number },
): RunningWorkers {
  const workers = definitions.map((def) => {
    const worker = new Worker(def.queue, def.process, {
      concurrency: 10,
      ...(deps.lockDurationMs
        ? { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs }
        : {}),
      ...def.options,
      connection: deps.connection,
      prefix: deps.prefix,
    });
    worker.on('failed', (job, err) => {
      deps.log.warn({ queue: def.queue, jobId: job?.id, attempt: job?.attemptsMade, err }, 'job failed');
    });
    worker.on('error', (err) => deps.log.error({ queue: def.queue, err }, 'worker error'));
    return worker;
  });
  return {
    workers,
    // close() waits for active jobs to finish, so a deploy never cuts a send in half.
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
