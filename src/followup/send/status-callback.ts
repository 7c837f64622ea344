import type { Job } from 'bullmq';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { isFinalFailure, PERMANENT_ERROR_CODES, statusRank } from './message-status.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { advanceNow, planOf, recordAttemptResult } from '../channels/advance.js';
import { isSendChannel, nextChannel, ruledOutBy } from '../channels/plan.js';
import { resumeOutsideWindow } from '../channels/whatsapp-resume.js';
import { closeFollowUp } from '../outcome/outcome.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import { markScoreDelivered } from '../../scores/writes.js';

const statusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/i),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .optional(),
});

/** Receipts that arrived before the send was recorded wait here and are applied again. */
export const STATUS_QUEUE = 'sms-status';

export interface StatusReceipt {
  sid: string;
  status: string;
  errorCode?: number;
}

/**
 * POST /sms/status. Twilio posts one callback per status change, in any order and sometimes twice;
 * the stored status only moves forward and a repeat changes nothing. Twilio does not retry a status
 * callback, so one for a message not recorded yet (the receipt can beat the worker's write under
 * load) is queued and applied once the message is there, instead of being answered and lost.
 */
export function statusCallbackHandler(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const parsed = statusCallbackSchema.safeParse(req.body);
    if (!parsed.success) {
      ctx.log.warn(
        { issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'malformed status callback ignored',
      );
      res.status(400).type('text/plain').send('Malformed status callback');
      return;
    }
    const { MessageSid: sid, MessageStatus: status, ErrorCode: errorCode } = parsed.data;
    const receipt: StatusReceipt = { sid, status, ...(errorCode !== undefined ? { errorCode } : {}) };
    if (!(await applyReceipt(ctx, receipt))) {
      await ctx.queues.get<StatusReceipt>(STATUS_QUEUE).add('receipt', receipt, {
        // Per sid and status: Twilio's repeat of the same receipt is one job.
        jobId: `st-${sid}-${status}`,
        delay: 1000,
        attempts: 10,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    }
    res.status(204).end();
  };
}

/** A receipt applied later; still unknown after its retries, it was not a message of ours. */
export function statusReceiptWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: STATUS_QUEUE,
    options: { concurrency: 10 },
    process: async (job: Job) => {
      const receipt = job.data as StatusReceipt;
      if (await applyReceipt(ctx, receipt)) return { applied: true };
      throw new Error(`status ${receipt.status} for ${receipt.sid}: no such message recorded (yet)`);
    },
  };
}

/** Applies a receipt to its message and follow-up; false when the message is not recorded. */
async function applyReceipt(ctx: AppContext, { sid, status, errorCode }: StatusReceipt): Promise<boolean> {
  const { FollowUpMessage } = ctx.models;
  // One conditional update: the status moves only forward, so of two callbacks racing (or arriving
  // out of order) the later status wins and a repeat matches nothing.
  const rank = statusRank(status);
  const now = new Date();
  const message =
    (await FollowUpMessage.findOneAndUpdate(
      { _id: sid, statusRank: { $lt: rank } },
      {
        $set: { status, statusRank: rank, ...(errorCode !== undefined ? { errorCode } : {}) },
        $push: { statusHistory: { status, at: now, ...(errorCode !== undefined ? { errorCode } : {}) } },
      },
      { returnDocument: 'after' },
    ).lean()) ?? (await FollowUpMessage.findById(sid).lean());
  if (!message) return false;
  ctx.log.info({ sid, status, errorCode, kind: message.kind }, 'message status');
  // What a final status means for the follow-up runs even for a repeated callback: each step is
  // idempotent, so a retry of a request that failed half-way finishes what the first one began.
  if (message.kind === 'initial' && (status === 'delivered' || status === 'read')) {
    await markScoreDelivered(ctx, message.followUpId);
    await recordAttemptResult(ctx, message.followUpId, sid, status);
  }
  // The stored status, not the callback's: a failure that lost to a delivery (a late, out-of-order
  // callback) says nothing about the follow-up.
  if (message.kind === 'initial' && isFinalFailure(status) && message.status === status)
    await initialFailed(ctx, message.followUpId, sid, message.channel, status, errorCode);
  // A WhatsApp answer refused outside the 24-hour window: the link goes as a template instead.
  if (message.kind === 'reply' && errorCode === 63016) await resumeOutsideWindow(ctx, sid);
  return true;
}

/**
 * The question never reached the citizen on this channel: the next channel is tried at once. With
 * none left, the follow-up ends as undeliverable, unless another attempt reached the citizen (then
 * it waits for that answer or its expiry). A transient code (30003, handset unreachable) ends it too:
 * Twilio does not retry a message, the final status says this one never arrived, and a reminder
 * would only go to the same failing number; no answer can come to a question never received.
 */
async function initialFailed(
  ctx: AppContext,
  followUpId: unknown,
  sid: string,
  channel: string | null | undefined,
  status: string,
  errorCode: number | undefined,
): Promise<void> {
  await recordAttemptResult(ctx, followUpId as FollowUpDoc['_id'], sid, status, errorCode);
  const permanent = errorCode !== undefined && PERMANENT_ERROR_CODES.has(errorCode);
  const on = channel && isSendChannel(channel) ? channel : 'sms';
  const ruledOut = permanent ? ruledOutBy(on, errorCode) : [];
  const f = await (ruledOut.length > 0
    ? ctx.models.FollowUp.findOneAndUpdate(
        { _id: followUpId },
        { $addToSet: { unreachable: { $each: ruledOut } } },
        { returnDocument: 'after' },
      ).lean<FollowUpDoc>()
    : ctx.models.FollowUp.findById(followUpId).lean<FollowUpDoc>());
  if (!f) return;
  const plan = planOf(f);
  const index = f.channelIndex ?? 0;
  const current = plan[index] === on;
  if (current && nextChannel(plan, index, f.unreachable ?? [])) return advanceNow(ctx, f);
  const reachedSomeone = (f.attempts ?? []).some(
    (a) => a.sid !== sid && a.result !== 'failed' && a.result !== 'undelivered',
  );
  if (!reachedSomeone) {
    // The citizen never got the question: no answer can come, so do not wait a week to say so.
    await closeFollowUp(ctx, f, { state: 'failed', outcome: 'undeliverable', onlyIfUnanswered: true });
  }
}
