import type { AppContext } from '../../context.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import { repairDailySums, type RepairReport } from '../../scores/sums/daily-sums.js';
import { ticketService } from '../../tickets/worker.js';
import { AWAITING_STATES, replayPendingEffects } from '../outcome/outcome.js';
import { FOLLOWUP_QUEUE, followUpJobId, RECONCILE_QUEUE, type FollowUpJob } from '../queue.js';
import { addFollowUpJob, syncFollowUps } from './scheduler.js';
import { planOf, scheduleNextChannel } from '../channels/advance.js';

const DAY = 86_400_000;

export interface ReconcileReport {
  /** Accepted ticket events whose apply job was lost, queued again. */
  eventsRequeued: number;
  ticketsChecked: number;
  followUpsChecked: number;
  jobsRestored: number;
  /** Follow-ups whose transition was stored but whose effects (score, jobs, dispute) were not. */
  effectsReplayed: number;
  /** Daily sums a crashed score writer or refresh left behind, refreshed. */
  sums?: RepairReport;
}

/**
 * Redis is where delayed work waits, MongoDB is the truth. After a flush or failover this finds every
 * follow-up whose job should exist and does not, and adds it again (same deterministic ids, so a job
 * that still exists is left alone). Run periodically and at worker start.
 */
export async function reconcileFollowUps(
  ctx: AppContext,
  opts: { lookbackDays?: number; effectsOlderThanMs?: number } = {},
): Promise<ReconcileReport> {
  const since = new Date(Date.now() - (opts.lookbackDays ?? 30) * DAY);
  const queue = ctx.queues.get<FollowUpJob>(FOLLOWUP_QUEUE);
  const report: ReconcileReport = {
    eventsRequeued: 0,
    ticketsChecked: 0,
    followUpsChecked: 0,
    jobsRestored: 0,
    effectsReplayed: 0,
  };
  const missing = async (
    kind: FollowUpJob['kind'],
    ticketRef: string,
    closureNumber: number,
    index?: number,
  ) => (await queue.getJob(followUpJobId(kind, ticketRef, closureNumber, index))) === undefined;

  // Events accepted (stored and answered 202) whose apply job Redis lost, or whose job gave up:
  // applying them schedules their follow-ups, so they go first.
  const tickets = ticketService(ctx);
  for await (const e of ctx.models.TicketEvent.find({
    result: { $exists: false },
    receivedAt: { $gte: since },
  })
    .select({ _id: 1, ticketRef: 1 })
    .lean()
    .cursor()) {
    if (await tickets.enqueue({ eventId: e._id, ticketRef: e.ticketRef })) report.eventsRequeued += 1;
  }

  // Closures whose follow-up record was never written (a crash between the event and the hook).
  for await (const ticket of ctx.models.Ticket.find({ status: 'closed', statusAt: { $gte: since } })
    .lean()
    .cursor()) {
    report.ticketsChecked += 1;
    const current = ticket.closures.find((c) => !c.reopenedAt && !c.supersededAt);
    if (
      current &&
      !(await ctx.models.FollowUp.exists({ ticketRef: ticket.ref, closureNumber: current.number }))
    ) {
      await syncFollowUps(ctx, ticket);
      report.jobsRestored += 1;
    }
  }

  for await (const f of ctx.models.FollowUp.find({
    state: { $in: ['scheduled', 'sending', ...AWAITING_STATES] },
    closedAt: { $gte: since },
  })
    .lean()
    .cursor()) {
    report.followUpsChecked += 1;
    if (f.state === 'scheduled' || f.state === 'sending') {
      if (await missing('send', f.ticketRef, f.closureNumber)) {
        await addFollowUpJob(ctx, f, 'send', f.sendAt);
        report.jobsRestored += 1;
      }
      continue;
    }
    if (f.reminderAt && !f.remindedAt && (await missing('reminder', f.ticketRef, f.closureNumber))) {
      await addFollowUpJob(ctx, f, 'reminder', f.reminderAt);
      report.jobsRestored += 1;
    }
    if (f.expiresAt && (await missing('expire', f.ticketRef, f.closureNumber))) {
      await addFollowUpJob(ctx, f, 'expire', f.expiresAt);
      report.jobsRestored += 1;
    }
    // The move to the next channel, timed from the last attempt as the sender would have.
    const next = (f.channelIndex ?? 0) + 1;
    if (
      f.state === 'awaiting_solved' &&
      !f.answeredAt &&
      next < planOf(f).length &&
      (await missing('next', f.ticketRef, f.closureNumber, next))
    ) {
      const last = f.attempts?.at(-1)?.at ?? f.sentAt ?? new Date();
      await scheduleNextChannel(ctx, f, last);
      report.jobsRestored += 1;
    }
  }
  // A writer that crashed between its transition and its effects; a live writer finishes them in
  // milliseconds, so only flags older than that are taken.
  report.effectsReplayed = await replayPendingEffects(ctx, opts.effectsOlderThanMs ?? 30_000);
  report.sums = await repairDailySums(ctx.models, { olderThanMs: ctx.config.reports.sumsRepairAfterMs });
  if (
    report.jobsRestored > 0 ||
    report.eventsRequeued > 0 ||
    report.effectsReplayed > 0 ||
    report.sums.pendingScores > 0
  )
    ctx.log.warn(report, 'reconciler restored missing follow-up jobs');
  return report;
}

export function reconcileWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: RECONCILE_QUEUE,
    options: { concurrency: 1 },
    process: async () => reconcileFollowUps(ctx),
  };
}

/**
 * Keeps the periodic reconcile job registered. The scheduler lives in Redis, so the same flush that
 * loses follow-up jobs loses it too; re-registering it from a process timer brings it back.
 */
export function keepReconcileScheduled(ctx: AppContext, everyMs = 5 * 60_000): () => void {
  const queue = ctx.queues.get(RECONCILE_QUEUE);
  const register = () =>
    queue
      .upsertJobScheduler(
        'reconcile-follow-ups',
        { every: everyMs },
        { name: 'reconcile', opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
      .catch((err: unknown) =>
        ctx.log.warn({ err }, 'could not register the reconcile schedule; will try again'),
      );
  void register();
  const timer = setInterval(() => void register(), Math.min(everyMs, 60_000));
  timer.unref();
  return () => clearInterval(timer);
}
