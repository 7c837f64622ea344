import type { AppContext } from '../context.js';
import type { Channel, FollowUpDoc, FollowUpState } from '../db/models/followup.js';
import {
  advance,
  type ConversationInput,
  type ConversationState,
  type ReplyKey,
  type Step,
} from './conversation.js';
import { lockClosure } from './lock.js';
import { queueDisputeNotification, updateFollowUp, updateScore } from './outcome.js';
import { FOLLOWUP_QUEUE, followUpJobId } from './queue.js';
import type { Reason } from './reply-parser.js';

const STEP_OF: Partial<Record<FollowUpState, Step>> = {
  // A worker that died between the SDK call and recording it leaves 'sending' until its job is
  // replayed; the question may be out, so an answer to it is taken.
  sending: 'solved',
  awaiting_solved: 'solved',
  awaiting_rating: 'rating',
  awaiting_reason: 'reason',
  completed: 'done',
};
const STATE_OF: Record<Step, FollowUpState> = {
  solved: 'awaiting_solved',
  rating: 'awaiting_rating',
  reason: 'awaiting_reason',
  done: 'completed',
};

export function conversationOf(f: FollowUpDoc): ConversationState | undefined {
  const step = STEP_OF[f.state];
  if (step === undefined) return undefined;
  return {
    step,
    ...(f.solved != null ? { solved: f.solved } : {}),
    ...(f.rating != null ? { rating: f.rating } : {}),
    ...(f.reason != null ? { reason: f.reason as Reason } : {}),
    ...(f.comment != null ? { comment: f.comment } : {}),
    clarifications: f.clarificationsSent ?? 0,
  };
}

export interface AnswerResult {
  /** What the conversation says next; empty when the follow-up is not open. */
  replies: ReplyKey[];
  applied: boolean;
  followUp: FollowUpDoc;
}

/**
 * Applies one answer from any channel. It runs under the closure's lock, which every writer of the
 * closure holds, so a tap on the page and an SMS arriving together cannot both advance the same
 * question.
 */
export async function applyAnswer(
  ctx: AppContext,
  start: FollowUpDoc,
  input: ConversationInput,
  channel: Channel,
): Promise<AnswerResult> {
  const result = await lockClosure(ctx, start, () => applyAnswerLocked(ctx, start, input, channel));
  if (result.dispute) await queueDisputeNotification(ctx, result.followUp);
  return result;
}

async function applyAnswerLocked(
  ctx: AppContext,
  start: FollowUpDoc,
  input: ConversationInput,
  channel: Channel,
): Promise<AnswerResult & { dispute: boolean }> {
  // Re-read under the lock: the caller's copy may predate a concurrent answer; what is read here
  // stays true until the write below.
  const current = (await ctx.models.FollowUp.findById(start._id).lean<FollowUpDoc>()) ?? start;
  const state = conversationOf(current);
  if (!state) return { replies: [], applied: false, followUp: current, dispute: false };
  const t = advance(state, input);
  if (!t.changed) return { replies: t.replies, applied: false, followUp: current, dispute: false };
  const now = new Date();
  const answered = t.state.solved !== undefined && current.answeredAt == null;
  const set: Record<string, unknown> = {
    state: STATE_OF[t.state.step],
    clarificationsSent: t.state.clarifications,
    ...(t.state.solved !== undefined ? { solved: t.state.solved } : {}),
    ...(t.state.rating !== undefined ? { rating: t.state.rating } : {}),
    ...(t.state.reason !== undefined ? { reason: t.state.reason } : {}),
    ...(t.state.comment !== undefined ? { comment: t.state.comment } : {}),
    ...(t.outcome ? { outcome: t.outcome, channel } : {}),
    ...(answered ? { answeredAt: now } : {}),
  };
  const saved = await updateFollowUp(ctx, current._id, { $set: set, $inc: { revision: 1 } });
  if (!saved) throw new Error(`follow-up ${current._id.toString()} vanished while answering`);
  await updateScore(ctx, saved, {
    $set: {
      ...(saved.solved != null ? { solved: saved.solved } : {}),
      ...(saved.rating != null ? { rating: saved.rating } : {}),
      ...(saved.reason != null ? { reason: saved.reason } : {}),
      ...(saved.comment != null ? { comment: saved.comment } : {}),
      ...(t.outcome ? { outcome: t.outcome, channel } : {}),
      ...(answered ? { answeredAt: now } : {}),
    },
  });
  if (answered) {
    // An answer makes the reminder pointless; the expiry job stays to close a half-finished conversation.
    await ctx.queues
      .get(FOLLOWUP_QUEUE)
      .remove(followUpJobId('reminder', saved.ticketRef, saved.closureNumber));
  }
  if (t.completed) {
    await ctx.queues
      .get(FOLLOWUP_QUEUE)
      .remove(followUpJobId('expire', saved.ticketRef, saved.closureNumber));
  }
  ctx.log.info(
    { ticketRef: saved.ticketRef, closure: saved.closureNumber, step: t.state.step, channel },
    'follow-up answer',
  );
  return { replies: t.replies, applied: true, followUp: saved, dispute: t.outcome === 'disputed' };
}
