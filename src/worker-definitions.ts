import type { AppContext } from './context.js';
import { applyCallAnswer } from './followup/channels/voice-call.js';
import { answerWebhookWorker, disputeWebhookWorker } from './followup/outcome/dispute-webhook.js';
import { inboundWorker } from './followup/conversation/inbound.js';
import { reconcileWorker, type ReconcileReport } from './followup/schedule/reconciler.js';
import { ANSWER_QUEUE, DISPUTE_QUEUE, FOLLOWUP_QUEUE, RECONCILE_QUEUE } from './followup/queue.js';
import { INBOUND_QUEUE } from './followup/conversation/inbound.js';
import { metricsOf } from './http/metrics.js';
import { MAIL_QUEUE } from './mail/outbox.js';
import { mailWorker } from './mail/worker.js';
import { ALERTS_QUEUE } from './mail/alert-queue.js';
import { alertsWorker } from './reports/mail/alerts/worker.js';
import { RETENTION_QUEUE, retentionWorker } from './retention/worker.js';
import { PERIODIC_REPORT_QUEUE, periodicReportWorker } from './reports/mail/periodic/worker.js';
import { TICKET_EVENTS_QUEUE } from './tickets/service.js';
import { followUpWorker } from './followup/send/sender.js';
import { STATUS_QUEUE, statusReceiptWorker } from './followup/send/status-callback.js';
import type { WorkerDefinition } from './queue/workers.js';
import { ticketEventWorker } from './tickets/worker.js';
import { VOICE_QUEUE, voiceWorker } from './voice/persistence.js';

/** Every queue this system processes. A worker process runs all of them; scale by running more. */
export function workerDefinitions(ctx: AppContext): WorkerDefinition[] {
  return [
    ticketEventWorker(ctx),
    followUpWorker(ctx),
    inboundWorker(ctx),
    statusReceiptWorker(ctx),
    disputeWebhookWorker(ctx),
    answerWebhookWorker(ctx),
    countingRepairs(ctx, reconcileWorker(ctx)),
    voiceWorker(ctx, applyCallAnswer),
    retentionWorker(ctx),
    mailWorker(ctx),
    alertsWorker(ctx),
    periodicReportWorker(ctx),
  ];
}

/** The queues above by name, for metrics and the queue board (which need no handlers). */
export const PROCESSED_QUEUES = [
  TICKET_EVENTS_QUEUE,
  FOLLOWUP_QUEUE,
  INBOUND_QUEUE,
  STATUS_QUEUE,
  DISPUTE_QUEUE,
  ANSWER_QUEUE,
  RECONCILE_QUEUE,
  VOICE_QUEUE,
  RETENTION_QUEUE,
  MAIL_QUEUE,
  ALERTS_QUEUE,
  PERIODIC_REPORT_QUEUE,
] as const;

/** The reconciler's report, counted as metrics (verisat_reconciler_repairs_total). */
function countingRepairs(ctx: AppContext, def: WorkerDefinition): WorkerDefinition {
  const { reconcilerRepairs } = metricsOf(ctx);
  return {
    ...def,
    process: async (job, token) => {
      const report = (await def.process(job, token)) as ReconcileReport;
      reconcilerRepairs.inc({ kind: 'events_requeued' }, report.eventsRequeued);
      reconcilerRepairs.inc({ kind: 'jobs_restored' }, report.jobsRestored);
      reconcilerRepairs.inc({ kind: 'effects_replayed' }, report.effectsReplayed);
      reconcilerRepairs.inc({ kind: 'sums_repaired' }, report.sums?.pendingScores ?? 0);
      return report;
    },
  };
}
