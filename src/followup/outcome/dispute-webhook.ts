import { sealAuditRecord } from '../../audit-chain/seal.js';
import { UnrecoverableError, type Job } from 'bullmq';
import { postWebhook, signWebhookBody } from './webhook-delivery.js';
import type { AppContext } from '../../context.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import { DISPUTE_QUEUE, type DisputeJob } from '../queue.js';

/** Signature the receiver checks (one `v1=` per current secret): see webhook-delivery.ts beside it. */
export const signDisputeBody = signWebhookBody;

export function disputeWebhookWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: DISPUTE_QUEUE,
    options: { concurrency: 5 },
    process: async (job: Job) => {
      const { followUpId } = job.data as DisputeJob;
      const followUp = await ctx.models.FollowUp.findById(followUpId).lean();
      if (!followUp) throw new UnrecoverableError(`follow-up ${followUpId} no longer exists`);
      const agency = await ctx.models.Agency.findOne({ code: followUp.agency }).lean();
      const attempt = job.attemptsMade + 1;
      const audit = async (outcome: 'ok' | 'failed', detail: Record<string, unknown>) => {
        const created = await ctx.models.AuditLog.create({
          at: new Date(),
          actor: 'system',
          action: 'dispute_webhook',
          agency: followUp.agency,
          outcome,
          detail: { ticketRef: followUp.ticketRef, closure: followUp.closureNumber, attempt, ...detail },
        });
        await sealAuditRecord(ctx, created._id);
      };
      if (!agency?.disputeWebhookUrl) {
        ctx.log.warn(
          { agency: followUp.agency, ticketRef: followUp.ticketRef },
          'disputed closure: agency has no webhook configured',
        );
        await audit('failed', { reason: 'no webhook configured' });
        return { delivered: false, reason: 'no webhook configured' };
      }
      const body = JSON.stringify({
        type: 'closure.disputed',
        ticketRef: followUp.ticketRef,
        closureNumber: followUp.closureNumber,
        agency: followUp.agency,
        department: followUp.department,
        agentId: followUp.agentId,
        closedAt: followUp.closedAt.toISOString(),
        answeredAt: followUp.answeredAt?.toISOString() ?? null,
        rating: followUp.rating ?? null,
        reason: followUp.reason ?? null,
        comment: followUp.comment ?? null,
        channel: followUp.channel,
      });
      // Signed with every current secret and written to the agency's delivery log (src/admin/).
      const delivery = await postWebhook(ctx, agency, {
        kind: 'dispute',
        type: 'closure.disputed',
        body,
        deliveryHeader: `${job.id ?? followUpId}`,
        followUpId,
        ticketRef: followUp.ticketRef,
        closureNumber: followUp.closureNumber,
        attempt,
      });
      if (delivery.status === undefined) {
        const reason = delivery.error ?? 'unreachable';
        ctx.log.warn(
          { ticketRef: followUp.ticketRef, attempt, reason },
          'dispute webhook unreachable; will retry',
        );
        await audit('failed', { reason });
        throw new Error(
          `dispute webhook for ${followUp.ticketRef}/${followUp.closureNumber} unreachable: ${reason}`,
        );
      }
      const status = delivery.status;
      if (status < 200 || status >= 300) {
        ctx.log.warn(
          { ticketRef: followUp.ticketRef, attempt, status },
          'dispute webhook refused; will retry',
        );
        await audit('failed', { status });
        throw new Error(
          `dispute webhook for ${followUp.ticketRef}/${followUp.closureNumber} answered ${status}`,
        );
      }
      ctx.log.info({ ticketRef: followUp.ticketRef, attempt, status }, 'dispute webhook delivered');
      await audit('ok', { status });
      return { delivered: true, status };
    },
  };
}
