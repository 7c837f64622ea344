import { UnrecoverableError, type Job } from 'bullmq';
import type { AppContext } from '../../../context.js';
import {
  ALERT_JOB,
  ALERTS_QUEUE,
  type DisputeAlertJob,
  type DisputeWindowJob,
  type DriftCheckJob,
} from '../../../mail/alert-queue.js';
import type { WorkerDefinition } from '../../../queue/workers.js';
import { handleDisputeAlert, handleWindowEnd } from './dispute-alerts.js';
import { runDriftCheck } from './drift.js';

/** The alert jobs: a disputed closure, the end of a supervisor's gathering window, the daily drift check. */
export function alertsWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: ALERTS_QUEUE,
    options: { concurrency: 4 },
    process: async (job: Job) => {
      switch (job.name) {
        case ALERT_JOB.dispute:
          return { results: await handleDisputeAlert(ctx, (job.data as DisputeAlertJob).followUpId) };
        case ALERT_JOB.windowEnd:
          return handleWindowEnd(ctx, job.data as DisputeWindowJob);
        case ALERT_JOB.driftCheck: {
          const { now } = job.data as DriftCheckJob;
          return runDriftCheck(ctx, now !== undefined ? { now: new Date(now) } : {});
        }
        default:
          throw new UnrecoverableError(`alerts queue: unknown job "${job.name}"`);
      }
    },
  };
}

/**
 * Keeps the daily drift check's job scheduler registered, at DRIFT_CHECK_AT local time (TIME_ZONE).
 * Like the retention purge's, it lives in Redis, so a flush loses it; re-registering from a process
 * timer brings it back. One scheduler id, so every process registers the same one.
 */
export function keepDriftScheduled(ctx: AppContext): () => void {
  const queue = ctx.queues.get(ALERTS_QUEUE);
  const [hour, minute] = ctx.config.alerts.driftCheckAt.split(':').map(Number);
  const register = () =>
    queue
      .upsertJobScheduler(
        'drift-check',
        { pattern: `${minute ?? 0} ${hour ?? 7} * * *`, tz: ctx.config.timeZone },
        { name: ALERT_JOB.driftCheck, data: {}, opts: { removeOnComplete: 30, removeOnFail: 30 } },
      )
      .catch((err: unknown) =>
        ctx.log.warn({ err }, 'could not register the drift check schedule; will try again'),
      );
  void register();
  const timer = setInterval(() => void register(), 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
