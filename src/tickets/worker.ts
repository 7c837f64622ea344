import type { Job } from 'bullmq';
import type { AppContext } from '../context.js';
import type { WorkerDefinition } from '../queue/workers.js';
import { TICKET_EVENTS_QUEUE, TicketService, type TicketEventJob } from './service.js';

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

/** Applies accepted ticket events: re-derives the ticket and schedules or cancels its follow-ups. */
export function ticketEventWorker(ctx: AppContext): WorkerDefinition {
  const service = ticketService(ctx);
  return {
    queue: TICKET_EVENTS_QUEUE,
    options: { concurrency: 20 },
    process: async (job: Job) => {
      const data = job.data as TicketEventJob;
      // A missing event is retried like any failure: its insert, queued alongside this job, may be
      // late; if it failed, the request was refused and the job gives up after its attempts.
      const result = await service.applyStored(data);
      return { ticketRef: result.ticket.ref, status: result.ticket.status };
    },
  };
}
