import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { isFinalFailure, PERMANENT_ERROR_CODES, statusRank } from './message-status.js';
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
    }
    if (
      message.kind === 'initial' &&
      isFinalFailure(status) &&
      errorCode !== undefined &&
      PERMANENT_ERROR_CODES.has(errorCode)
    ) {
      // The citizen never got the question: no answer can come, so do not wait a week to say so.
      await closeFollowUp(
        ctx,
        { _id: message.followUpId },
        { state: 'failed', outcome: 'undeliverable', onlyIfUnanswered: true },
      );
    }
    res.status(204).end();
  };
}
