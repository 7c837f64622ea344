import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { isFinalFailure, PERMANENT_ERROR_CODES, statusRank } from './message-status.js';
import { lockClosure } from './lock.js';
import { closeFollowUp, updateScore } from './outcome.js';

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
  const { FollowUpMessage, FollowUp } = ctx.models;
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
    const rank = statusRank(status);
    const now = new Date();
    const known = await FollowUpMessage.findById(sid).select({ followUpId: 1 }).lean();
    const followUp = known ? await FollowUp.findById(known.followUpId).lean() : null;
    if (!known || !followUp) {
      ctx.log.debug({ sid, status }, 'status callback for a message we did not send; nothing to do');
      res.status(204).end();
      return;
    }
    const message = await lockClosure(ctx, followUp, async () => {
      // The rank is checked in code under the closure lock; the write goes by `_id` alone, which
      // FerretDB v1 filters in SQL (any wider filter decodes every document).
      const current = await FollowUpMessage.findById(sid).select({ statusRank: 1 }).lean();
      if (!current || current.statusRank >= rank) return null;
      const updated = await FollowUpMessage.findOneAndUpdate(
        { _id: sid },
        {
          $set: { status, statusRank: rank, ...(errorCode !== undefined ? { errorCode } : {}) },
          $push: { statusHistory: { status, at: now, ...(errorCode !== undefined ? { errorCode } : {}) } },
        },
        { returnDocument: 'after' },
      ).lean();
      if (updated?.kind === 'initial' && (status === 'delivered' || status === 'read')) {
        await updateScore(ctx, followUp, { $set: { delivered: true } });
      }
      return updated;
    });
    if (!message) {
      ctx.log.debug({ sid, status }, 'status callback older than the stored status; nothing to do');
      res.status(204).end();
      return;
    }
    ctx.log.info({ sid, status, errorCode, kind: message.kind }, 'message status');
    if (
      message.kind === 'initial' &&
      isFinalFailure(status) &&
      errorCode !== undefined &&
      PERMANENT_ERROR_CODES.has(errorCode)
    ) {
      // The citizen never got the question: no answer can come, so do not wait a week to say so.
      await closeFollowUp(ctx, followUp, {
        state: 'failed',
        outcome: 'undeliverable',
        onlyIfUnanswered: true,
      });
    }
    res.status(204).end();
  };
}
