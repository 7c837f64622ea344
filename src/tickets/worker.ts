import { DelayedError, type Job } from 'bullmq';
import type { AppContext } from '../context.js';
import type { WorkerDefinition } from '../queue/workers.js';
import {
  TICKET_EVENTS_QUEUE,
  TicketEventNotFoundError,
  TicketService,
  type TicketEventJob,
} from './service.js';

export function ticketService(ctx: AppContext): TicketService {
  return new TicketService({
    models: ctx.models,
    log: ctx.log,
    closureHooks: ctx.closureHooks,
    queue: ctx.queues.get<TicketEventJob>(TICKET_EVENTS_QUEUE),
    jobOptions: {
      attempts: 12,
      backoff: { type: 'exponential', delay: ctx.config.followUp.retryBaseMs, jitter: 0.2 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: false,
    },
  });
}

/**
 * An apply job runs before its event's insert has landed only when the database is slow (the two are
 * written at once, see service.ts): looked for again after 250 ms, then twice as long each time up
 * to 8 s (so the jobs of inserts that failed in an outage do not hammer the database as it comes
 * back), for a minute, before it is retried like any failure. Waiting out the usual backoff
 * (RETRY_BASE_MS, 30 s) instead delayed those closures' follow-ups by half a minute or more under
 * load (bench/soak.bench.ts showed it).
 */
const MISSING_EVENT_RECHECK_MS = 250;
const MISSING_EVENT_RECHECK_MAX_MS = 8_000;
const MISSING_EVENT_PATIENCE_MS = 60_000;

/** Applies accepted ticket events: re-derives the ticket and schedules or cancels its follow-ups. */
export function ticketEventWorker(ctx: AppContext): WorkerDefinition {
  const service = ticketService(ctx);
  return {
    queue: TICKET_EVENTS_QUEUE,
    options: { concurrency: 20 },
    process: async (job: Job, token?: string) => {
      const data = job.data as TicketEventJob;
      try {
        const result = await service.applyStored(data);
        return { ticketRef: result.ticket.ref, status: result.ticket.status };
      } catch (err) {
        // A missing event is looked for again shortly, without using an attempt: its insert, queued
        // alongside this job, may be late. Past the patience it is retried like any failure, and if
        // the insert failed (the request was answered 500) the job gives up after its attempts.
        const young = Date.now() - job.timestamp < MISSING_EVENT_PATIENCE_MS;
        if (!(err instanceof TicketEventNotFoundError) || !young || !token) throw err;
        const looks = Math.max(0, job.attemptsStarted - 1);
        const wait = Math.min(MISSING_EVENT_RECHECK_MAX_MS, MISSING_EVENT_RECHECK_MS * 2 ** looks);
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
    },
  };
}
