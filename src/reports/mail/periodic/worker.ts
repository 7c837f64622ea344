import { UnrecoverableError, type Job } from 'bullmq';
import type { AppContext } from '../../../context.js';
import type { WorkerDefinition } from '../../../queue/workers.js';
import { lastCompletePeriod, reportPeriod, REPORT_KINDS, type ReportKind } from './period.js';
import { sendPeriodicReports } from './send.js';

export const PERIODIC_REPORT_QUEUE = 'periodic-reports';

/**
 * Two kinds of job. `tick`, from the job schedulers (Sunday and the 1st at REPORT_MAIL_HOUR local),
 * works out the period just ended and queues `send` for it under an id made of the kind and the
 * period, so two workers' ticks (or a tick repeated after a restart) queue it once. `send` records
 * every mail of the period (send.ts), each keyed so it is recorded once, whichever process gets there.
 */

export interface TickData {
  kind: ReportKind;
}
export interface SendData {
  kind: ReportKind;
  period: string;
}

function kindOf(value: unknown): ReportKind {
  if (!REPORT_KINDS.includes(value as ReportKind))
    throw new UnrecoverableError(`periodic report job without a report kind: ${JSON.stringify(value)}`);
  return value as ReportKind;
}

/** BullMQ ids may not contain ':'. */
export function sendJobId(kind: ReportKind, period: string): string {
  return `send-${kind}-${period}`;
}

/** Queues the sending of one period's reports; the same period is queued once. */
export async function queuePeriodicSend(ctx: AppContext, kind: ReportKind, period: string): Promise<void> {
  reportPeriod(kind, period);
  await ctx.queues.get(PERIODIC_REPORT_QUEUE).add('send', { kind, period } satisfies SendData, {
    jobId: sendJobId(kind, period),
    attempts: 6,
    backoff: { type: 'exponential', delay: 30_000 },
    // Kept long after the period, so a late tick finds the job and does not queue it again.
    removeOnComplete: { age: 45 * 86_400 },
    removeOnFail: { age: 45 * 86_400 },
  });
}

export function periodicReportWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: PERIODIC_REPORT_QUEUE,
    // One PDF at a time per process: Chromium is the costly part, and other queues share the cores.
    options: { concurrency: 1 },
    process: async (job: Job) => {
      const data = job.data as Partial<SendData>;
      const kind = kindOf(data.kind);
      if (job.name === 'tick') {
        const period = lastCompletePeriod(kind, ctx.config.timeZone).label;
        await queuePeriodicSend(ctx, kind, period);
        return { queued: period };
      }
      if (job.name !== 'send' || typeof data.period !== 'string')
        throw new UnrecoverableError(`unknown periodic report job ${job.name} ${JSON.stringify(job.data)}`);
      const report = await sendPeriodicReports(ctx, kind, data.period);
      ctx.log.info({ ...report }, 'periodic reports recorded');
      return report;
    },
  };
}

/** Cron patterns in TIME_ZONE: weekly on Sunday, monthly on the 1st, at the configured hour. */
export function reportSchedules(hour: number): Record<ReportKind, string> {
  return { weekly_report: `0 ${hour} * * 0`, monthly_report: `0 ${hour} 1 * *` };
}

/**
 * Keeps the two job schedulers registered (or removed when REPORT_MAIL is off). Like the
 * reconciler's and the purge's, they live in Redis, so a flush loses them; re-registering from a
 * process timer brings them back.
 */
export function keepReportsScheduled(ctx: AppContext): () => void {
  const queue = ctx.queues.get(PERIODIC_REPORT_QUEUE);
  const patterns = reportSchedules(ctx.config.reports.mail.hour);
  const register = () =>
    Promise.all(
      REPORT_KINDS.map((kind) =>
        ctx.config.reports.mail.enabled
          ? queue.upsertJobScheduler(
              kind,
              { pattern: patterns[kind], tz: ctx.config.timeZone },
              {
                name: 'tick',
                data: { kind } satisfies TickData,
                opts: { removeOnComplete: 30, removeOnFail: 30 },
              },
            )
          : queue.removeJobScheduler(kind),
      ),
    ).catch((err: unknown) =>
      ctx.log.warn({ err }, 'could not register the periodic report schedules; will try again'),
    );
  void register();
  const timer = setInterval(() => void register(), 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
