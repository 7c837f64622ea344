import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { isFinalFailure, PERMANENT_ERROR_CODES, statusRank } from './message-status.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { advanceNow, planOf, recordAttemptResult } from '../channels/advance.js';
import { isSendChannel, nextChannel, ruledOutBy } from '../channels/plan.js';
import { resumeOutsideWindow } from '../channels/whatsapp-resume.js';
import { closeFollowUp, markDelivered } from '../outcome/outcome.js';

const statusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/i),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .optional(),
});

/**
 * POST /sms/status. Twilio posts one callback per status change, in any order and sometimes twice;
 * the stored status only moves forward and a repeat changes nothing.
 */
export function statusCallbackHandler(ctx: AppContext): RequestHandler {
  const { FollowUpMessage } = ctx.models;
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
    if (!message) {
      ctx.log.debug({ sid, status }, 'status callback for a message we did not send; nothing to do');
      res.status(204).end();
      return;
    }
    ctx.log.info({ sid, status, errorCode, kind: message.kind }, 'message status');
    // What a final status means for the follow-up runs even for a repeated callback: each step is
    // idempotent, so a retry of a request that failed half-way finishes what the first one began.
    if (message.kind === 'initial' && (status === 'delivered' || status === 'read')) {
      await markDelivered(ctx, message.followUpId);
      await recordAttemptResult(ctx, message.followUpId, sid, status);
    }
    if (message.kind === 'initial' && isFinalFailure(status))
      await initialFailed(ctx, message.followUpId, sid, message.channel, status, errorCode);
    // A WhatsApp answer refused outside the 24-hour window: the link goes as a template instead.
    if (message.kind === 'reply' && errorCode === 63016) await resumeOutsideWindow(ctx, sid);
    res.status(204).end();
  };
}

/**
 * The question never reached the citizen on this channel: the next channel is tried at once. With
 * none left, a permanent error ends the follow-up as undeliverable, unless another attempt reached
 * the citizen (then the follow-up waits for its answer or its expiry).
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
  const f = await ctx.models.FollowUp.findOneAndUpdate(
    { _id: followUpId },
    ruledOut.length > 0 ? { $addToSet: { unreachable: { $each: ruledOut } } } : {},
    { returnDocument: 'after' },
  ).lean<FollowUpDoc>();
  if (!f) return;
  const plan = planOf(f);
  const index = f.channelIndex ?? 0;
  const current = plan[index] === on;
  if (current && nextChannel(plan, index, f.unreachable ?? [])) return advanceNow(ctx, f);
  const reachedSomeone = (f.attempts ?? []).some(
    (a) => a.sid !== sid && a.result !== 'failed' && a.result !== 'undelivered',
  );
  if (permanent && !reachedSomeone) {
    // The citizen never got the question: no answer can come, so do not wait a week to say so.
    await closeFollowUp(ctx, f, { state: 'failed', outcome: 'undeliverable', onlyIfUnanswered: true });
  }
}
