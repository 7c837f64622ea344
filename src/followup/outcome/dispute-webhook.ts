import { sealAuditRecord } from '../../audit-chain/seal.js';
import { UnrecoverableError, type Job } from 'bullmq';
import { postWebhook, signWebhookBody } from './webhook-delivery.js';
import type { AppContext } from '../../context.js';
import type { Agency } from '../../db/models/organisation.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import { ANSWER_QUEUE, DISPUTE_QUEUE, type DisputeJob } from '../queue.js';

/** Signature the receiver checks (one `v1=` per current secret): see webhook-delivery.ts beside it. */
export const signDisputeBody = signWebhookBody;

/** What one of an agency's follow-up webhooks sends, and what it does when the agency has no URL. */
interface FollowUpWebhook {
  queue: string;
  kind: 'dispute' | 'answer';
  type: string;
  /** The audit log's action for each attempt. */
  action: string;
  url: (agency: Pick<Agency, 'disputeWebhookUrl' | 'answerWebhookUrl'>) => string | null | undefined;
  /** A dispute with nowhere to go is a failure an auditor must see; an answer webhook is optional. */
  auditMissingUrl: boolean;
  body: (f: FollowUpDoc) => Record<string, unknown>;
}

/** The citizen's verdict as the ticket system receives it: never the phone number. */
function verdict(f: FollowUpDoc) {
  return {
    ticketRef: f.ticketRef,
    closureNumber: f.closureNumber,
    agency: f.agency,
    department: f.department,
    agentId: f.agentId,
    closedAt: f.closedAt.toISOString(),
    answeredAt: f.answeredAt?.toISOString() ?? null,
    rating: f.rating ?? null,
    reason: f.reason ?? null,
    comment: f.comment ?? null,
    channel: f.channel,
  };
}

const DISPUTE: FollowUpWebhook = {
  queue: DISPUTE_QUEUE,
  kind: 'dispute',
  type: 'closure.disputed',
  action: 'dispute_webhook',
  url: (a) => a.disputeWebhookUrl,
  auditMissingUrl: true,
  body: (f) => ({ type: 'closure.disputed', ...verdict(f) }),
};

const ANSWER: FollowUpWebhook = {
  queue: ANSWER_QUEUE,
  kind: 'answer',
  type: 'closure.answered',
  action: 'answer_webhook',
  url: (a) => a.answerWebhookUrl,
  auditMissingUrl: false,
  body: (f) => ({
    type: 'closure.answered',
    ...verdict(f),
    solved: f.solved ?? null,
    outcome: f.outcome ?? null,
    language: f.language,
  }),
};

export function disputeWebhookWorker(ctx: AppContext): WorkerDefinition {
  return followUpWebhookWorker(ctx, DISPUTE);
}

/** Every verified answer to the agency's answer webhook, if it has one (issue 26). */
export function answerWebhookWorker(ctx: AppContext): WorkerDefinition {
  return followUpWebhookWorker(ctx, ANSWER);
}

function followUpWebhookWorker(ctx: AppContext, hook: FollowUpWebhook): WorkerDefinition {
  return {
    queue: hook.queue,
    options: { concurrency: 5 },
    process: async (job: Job) => {
      const { followUpId } = job.data as DisputeJob;
      const followUp = await ctx.models.FollowUp.findById(followUpId).lean<FollowUpDoc>();
      if (!followUp) throw new UnrecoverableError(`follow-up ${followUpId} no longer exists`);
      const agency = await ctx.models.Agency.findOne({ code: followUp.agency }).lean();
      const attempt = job.attemptsMade + 1;
      const audit = async (outcome: 'ok' | 'failed', detail: Record<string, unknown>) => {
        const created = await ctx.models.AuditLog.create({
          at: new Date(),
          actor: 'system',
          action: hook.action,
          agency: followUp.agency,
          outcome,
          detail: { ticketRef: followUp.ticketRef, closure: followUp.closureNumber, attempt, ...detail },
        });
        await sealAuditRecord(ctx, created._id);
      };
      if (!agency || !hook.url(agency)) {
        if (!hook.auditMissingUrl) return { delivered: false, reason: 'no webhook configured' };
        ctx.log.warn(
          { agency: followUp.agency, ticketRef: followUp.ticketRef },
          `${hook.kind} webhook: agency has no webhook configured`,
        );
        await audit('failed', { reason: 'no webhook configured' });
        return { delivered: false, reason: 'no webhook configured' };
      }
      // Signed with every current secret and written to the agency's delivery log (src/admin/).
      const delivery = await postWebhook(ctx, agency, {
        kind: hook.kind,
        type: hook.type,
        body: JSON.stringify(hook.body(followUp)),
        deliveryHeader: `${job.id ?? followUpId}`,
        followUpId,
        ticketRef: followUp.ticketRef,
        closureNumber: followUp.closureNumber,
        attempt,
      });
      const where = `${hook.kind} webhook for ${followUp.ticketRef}/${followUp.closureNumber}`;
      if (delivery.status === undefined) {
        const reason = delivery.error ?? 'unreachable';
        ctx.log.warn(
          { ticketRef: followUp.ticketRef, attempt, reason },
          `${hook.kind} webhook unreachable; will retry`,
        );
        await audit('failed', { reason });
        throw new Error(`${where} unreachable: ${reason}`);
      }
      const status = delivery.status;
      if (status < 200 || status >= 300) {
        ctx.log.warn(
          { ticketRef: followUp.ticketRef, attempt, status },
          `${hook.kind} webhook refused; will retry`,
        );
        await audit('failed', { status });
        throw new Error(`${where} answered ${status}`);
      }
      ctx.log.info({ ticketRef: followUp.ticketRef, attempt, status }, `${hook.kind} webhook delivered`);
      await audit('ok', { status });
      return { delivered: true, status };
    },
  };
}
