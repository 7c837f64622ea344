import { setTimeout as delay } from 'node:timers/promises';
import type { AppContext } from '../../context.js';
import type { Channel, FollowUpDoc, FollowUpState } from '../../db/models/followup.js';
import {
  advance,
  questionOf,
  type ConversationInput,
  type ConversationStage,
  type ConversationState,
  type ReplyKey,
} from './conversation.js';
import { applyEffects, transition } from '../outcome/outcome.js';
import type { Reason } from './reply-parser.js';
import { recordAnswer } from './answer-record.js';
import type { AnswerOrigin } from './origin.js';

const STAGES: readonly FollowUpState[] = [
  'awaiting_solved',
  'awaiting_rating',
  'awaiting_reason',
  'completed',
];

function isStage(state: FollowUpState): state is ConversationStage {
  return STAGES.includes(state);
}

export function conversationOf(f: FollowUpDoc): ConversationState | undefined {
  // A worker that died between the SDK call and recording it leaves 'sending' until its job is
  // replayed; the question may be out, so an answer to it is taken, as if asked.
  const state = f.state === 'sending' ? 'awaiting_solved' : f.state;
  if (!isStage(state)) return undefined;
  return {
    state,
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
  /** How many times another writer changed the follow-up first and this answer was decided again. */
  conflicts: number;
}

/** Decides the input on the follow-up as stored: a typed reply is read against its current question. */
export type InputFor = ConversationInput | ((current: FollowUpDoc) => ConversationInput);

const MAX_ATTEMPTS = 200;
/** Enough to recognise a retried message: a conversation takes a handful of messages. */
const APPLIED_ANSWERS_KEPT = 50;

/**
 * Applies one answer from any channel as one conditional update on the follow-up's revision. When
 * another writer got there first (a tap and an SMS together, fifty replies from one number), the
 * write misses, and the answer is decided again on what is now stored: a second "solved?" finds the
 * question answered and changes nothing, a rating typed meanwhile is read as a rating.
 */
export async function applyAnswer(
  ctx: AppContext,
  start: FollowUpDoc,
  input: InputFor,
  channel: Channel,
  opts: { answerId?: string; origin?: AnswerOrigin } = {},
): Promise<AnswerResult> {
  const { answerId } = opts;
  let current: FollowUpDoc | null = start;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!current) throw new Error(`follow-up ${start._id.toString()} vanished while answering`);
    // A retried job whose answer already landed (the worker died before it recorded its replies):
    // the revision check makes this read-then-write exact, so it is applied once.
    if (answerId !== undefined && current.appliedAnswers?.includes(answerId))
      return { replies: [], applied: false, followUp: current, conflicts: attempt };
    const conversation = conversationOf(current);
    if (!conversation) return { replies: [], applied: false, followUp: current, conflicts: attempt };
    const t = advance(conversation, typeof input === 'function' ? input(current) : input);
    if (!t.changed) return { replies: t.replies, applied: false, followUp: current, conflicts: attempt };
    const c = t.conversation;
    const answered = c.solved !== undefined && current.answeredAt == null;
    const saved = await transition(ctx, current, {
      $set: {
        state: c.state,
        clarificationsSent: c.clarifications,
        ...(c.solved !== undefined ? { solved: c.solved } : {}),
        ...(c.rating !== undefined ? { rating: c.rating } : {}),
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.comment !== undefined ? { comment: c.comment } : {}),
        ...(t.outcome ? { outcome: t.outcome, channel } : {}),
        ...(answered ? { answeredAt: new Date() } : {}),
      },
      ...(answerId !== undefined
        ? { $push: { appliedAnswers: { $each: [answerId], $slice: -APPLIED_ANSWERS_KEPT } } }
        : {}),
    });
    if (!saved) {
      // Lost the race: back off a little (more after each loss) so many writers spread out.
      if (attempt > 2) await delay(Math.random() * Math.min(50, attempt * 2));
      current = await ctx.models.FollowUp.findById(start._id).lean<FollowUpDoc>();
      continue;
    }
    await applyEffects(ctx, saved);
    // Answer records and the log name the question now asked, 'done' once completed, as they always have.
    const step = questionOf(c.state) ?? 'done';
    // Tamper evidence and integrity signals, kept apart from the follow-up itself (answer-record.ts).
    await recordAnswer(ctx, saved, {
      channel,
      step,
      ...(opts.origin ? { origin: opts.origin } : {}),
    });
    ctx.log.info(
      { ticketRef: saved.ticketRef, closure: saved.closureNumber, step, channel },
      'follow-up answer',
    );
    return { replies: t.replies, applied: true, followUp: saved, conflicts: attempt };
  }
  throw new Error(
    `follow-up ${start._id.toString()}: answer lost ${MAX_ATTEMPTS} races in a row; the job will retry`,
  );
}
