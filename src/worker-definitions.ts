import type { AppContext } from './context.js';
import { disputeWebhookWorker } from './followup/outcome/dispute-webhook.js';
import { inboundWorker } from './followup/conversation/inbound.js';
import { reconcileWorker } from './followup/schedule/reconciler.js';
import { followUpWorker } from './followup/send/sender.js';
import type { WorkerDefinition } from './queue/workers.js';
import { ticketEventWorker } from './tickets/worker.js';
import { voiceWorker } from './voice/persistence.js';

/** Every queue this system processes. A worker process runs all of them; scale by running more. */
export function workerDefinitions(ctx: AppContext): WorkerDefinition[] {
  return [
    ticketEventWorker(ctx),
    followUpWorker(ctx),
    inboundWorker(ctx),
    disputeWebhookWorker(ctx),
    reconcileWorker(ctx),
    voiceWorker(ctx),
  ];
}
