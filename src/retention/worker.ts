import type { Job } from 'bullmq';
import type { AppContext } from '../context.js';
import type { WorkerDefinition } from '../queue/workers.js';
import { writeAudit } from '../auth/audit.js';
import { purgeExpiredPersonalData } from './purge.js';

export const RETENTION_QUEUE = 'retention-purge';

/**
 * The scheduled purge: one job at a time, its progress on the job (the queue board shows it) after
 * every batch, its report in the audit log for the data-protection officer. A shutdown cancels it
 * between batches (a deploy does not wait for a national purge); the next run continues it.
 */
export function retentionWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: RETENTION_QUEUE,
    options: { concurrency: 1 },
    cancelOnClose: true,
    process: async (job: Job, _token?: string, signal?: AbortSignal) => {
      const report = await purgeExpiredPersonalData(ctx, {
        ...(signal ? { signal } : {}),
        onProgress: (progress) => job.updateProgress({ ...progress }),
      });
      await writeAudit(ctx, {
        actor: 'system:retention',
        action: 'admin.retention.purge',
        detail: { ...report },
      });
      return report;
    },
  };
}

/**
 * Keeps the purge's job scheduler registered (RETENTION_EVERY_HOURS). Like the reconciler's, it
 * lives in Redis, so a flush loses it; re-registering from a process timer brings it back.
 */
export function keepRetentionScheduled(ctx: AppContext): () => void {
  const queue = ctx.queues.get(RETENTION_QUEUE);
  const every = Math.round(ctx.config.retention.everyHours * 3_600_000);
  const register = () =>
    queue
      .upsertJobScheduler(
        'retention-purge',
        { every },
        { name: 'purge', opts: { removeOnComplete: 30, removeOnFail: 30 } },
      )
      .catch((err: unknown) =>
        ctx.log.warn({ err }, 'could not register the retention schedule; will try again'),
      );
  void register();
  const timer = setInterval(() => void register(), Math.min(every, 10 * 60_000));
  timer.unref();
  return () => clearInterval(timer);
}
