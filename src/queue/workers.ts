import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { RedisConnection } from './connection.js';
import type { Logger } from '../log.js';

export interface WorkerDefinition {
  queue: string;
  /** Receives the job; throws UnrecoverableError for permanent failures, anything else is retried. */
  process: (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;
  options?: Omit<WorkerOptions, 'connection' | 'prefix'>;
  /**
   * Long jobs that stop cleanly when told (their processor watches its AbortSignal): a shutdown
   * cancels them rather than waiting for them to finish.
   */
  cancelOnClose?: boolean;
  /**
   * Called once a job has failed for good (no attempt left, or unrecoverable), not after an attempt
   * that is retried; what it throws is logged.
   */
  failed?: (job: Job, err: Error) => Promise<void>;
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
      // BullMQ sets finishedOn only when the job moves to the failed set, not when it is retried.
      if (job?.finishedOn && def.failed)
        def
          .failed(job, err)
          .catch((hookErr: unknown) =>
            deps.log.error({ queue: def.queue, jobId: job.id, err: hookErr }, 'failed-job hook failed'),
          );
    });
    worker.on('error', (err) => deps.log.error({ queue: def.queue, err }, 'worker error'));
    return worker;
  });
  return {
    workers,
    // close() waits for active jobs to finish, so a deploy never cuts a send in half.
    close: async () => {
      definitions.forEach((def, i) => {
        if (def.cancelOnClose) workers[i]?.cancelAllJobs('shutting down');
      });
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
