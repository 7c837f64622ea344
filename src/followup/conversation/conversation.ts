import type { FollowUpState, Outcome } from '../../db/models/followup.js';
import type { FollowUpReplyKey } from '../../i18n/followup.js';
import type { ParsedReply, Question, Reason } from './reply-parser.js';

/**
 * The verification conversation, the same for SMS, WhatsApp, the answer page and a voice call:
 * solved? → rating 1–5 → (if not solved) reason → thanks. Pure: a conversation and one input in, the
 * next conversation, the replies and the outcome decided out; the caller (answers.ts) persists,
 * notifies and sends.
 *
 * Unclear input gets one clarification. A second unclear reply is kept as the citizen's comment and
 * the question stays open: nothing is ever answered for the citizen, and the reminder or the expiry
 * job closes a conversation that never gets a clear answer. Only the first comment is acknowledged,
 * so an argument by SMS does not become a loop of automatic replies.
 */

/**
 * Where a conversation stands, in the follow-up's own states (FollowUpState, as stored): asking one of
 * the three questions, or completed. The other states (expired, cancelled, opted out…) are set by jobs
 * and keywords, never by an answer, so an answer does not reach them.
 */
export type ConversationStage = Extract<
  FollowUpState,
  'awaiting_solved' | 'awaiting_rating' | 'awaiting_reason' | 'completed'
>;

export interface ConversationState {
  state: ConversationStage;
  solved?: boolean;
  rating?: number;
  reason?: Reason;
  comment?: string;
  /** Clarifications sent for the current question: 0, 1, or 2 once a comment has been kept. */
  clarifications: number;
}

export type ReplyKey = Extract<
  FollowUpReplyKey,
  | 'askRating'
  | 'askReason'
  | 'thanksSolved'
  | 'thanksDisputed'
  | 'clarifySolved'
  | 'clarifyRating'
  | 'clarifyReason'
  | 'commentNoted'
  | 'alreadyAnswered'
>;

export interface Transition {
  conversation: ConversationState;
  /** Texts to send back, in order (catalogue keys of src/i18n/followup.ts). */
  replies: ReplyKey[];
  /** Set when this input decides the verification outcome ("solved?" answered). */
  outcome?: Outcome;
  /** True when the conversation has just finished. */
  completed: boolean;
  /** False when the input changed nothing (so nothing needs writing). */
  changed: boolean;
}

/**
 * Keywords (STOP, START, HELP) and a language's name (the question asked again in it) are handled
 * before the conversation, by the inbound route: they answer no question.
 */
export type ConversationInput = Exclude<
  ParsedReply,
  { kind: 'opt_out' } | { kind: 'opt_in' } | { kind: 'help' } | { kind: 'language' }
>;

type Answer = Exclude<ConversationInput, { kind: 'unclear' }>;

const QUESTION_OF: Record<ConversationStage, Question | undefined> = {
  awaiting_solved: 'solved',
  awaiting_rating: 'rating',
  awaiting_reason: 'reason',
  completed: undefined,
};
const CLARIFY: Record<Question, ReplyKey> = {
  solved: 'clarifySolved',
  rating: 'clarifyRating',
  reason: 'clarifyReason',
};

const MAX_COMMENT_PART = 500;
const MAX_COMMENT = 2000;

/** The question a conversation at this state asks; none once completed. */
export function questionOf(state: ConversationStage): Question | undefined {
  return QUESTION_OF[state];
}

export function initialState(): ConversationState {
  return { state: 'awaiting_solved', clarifications: 0 };
}

function appendComment(existing: string | undefined, text: string): string {
  const part = text.trim().slice(0, MAX_COMMENT_PART);
  return existing ? `${existing}\n${part}`.slice(0, MAX_COMMENT) : part;
}

function unchanged(c: ConversationState, replies: ReplyKey[]): Transition {
  return { conversation: c, replies, completed: false, changed: false };
}

function moved(
  c: ConversationState,
  patch: Partial<ConversationState>,
  replies: ReplyKey[],
  decided: { outcome?: Outcome; completed?: boolean } = {},
): Transition {
  return {
    conversation: { ...c, ...patch },
    replies,
    ...(decided.outcome ? { outcome: decided.outcome } : {}),
    completed: decided.completed ?? false,
    changed: true,
  };
}

function unclear(c: ConversationState, question: Question, text: string): Transition {
  if (c.clarifications < 1) return moved(c, { clarifications: 1 }, [CLARIFY[question]]);
  if (text.trim() === '') return unchanged(c, []);
  const patch = { comment: appendComment(c.comment, text), clarifications: 2 };
  return moved(c, patch, c.clarifications === 1 ? ['commentNoted'] : []);
}

function answered(c: ConversationState, answer: Answer): Transition {
  switch (answer.kind) {
    case 'solved':
      // The dispute goes out at once: a citizen who stops after "no" has still disputed the closure.
      return moved(c, { state: 'awaiting_rating', solved: answer.value, clarifications: 0 }, ['askRating'], {
        outcome: answer.value ? 'confirmed_solved' : 'disputed',
      });
    case 'rating':
      if (c.solved === true) {
        return moved(c, { state: 'completed', rating: answer.value, clarifications: 0 }, ['thanksSolved'], {
          completed: true,
        });
      }
      return moved(c, { state: 'awaiting_reason', rating: answer.value, clarifications: 0 }, ['askReason']);
    case 'reason': {
      const patch: Partial<ConversationState> = {
        state: 'completed',
        reason: answer.value,
        clarifications: 0,
      };
      if (answer.text) patch.comment = appendComment(c.comment, answer.text);
      return moved(c, patch, ['thanksDisputed'], { completed: true });
    }
  }
}

/** One step of the conversation. Total: every state accepts every input. */
export function advance(c: ConversationState, input: ConversationInput): Transition {
  const question = questionOf(c.state);
  if (!question) return unchanged(c, ['alreadyAnswered']);
  if (input.kind === 'unclear') return unclear(c, question, input.text);
  // A parsed answer to another question than the one asked is as good as unclear, without text to keep.
  return input.kind === question ? answered(c, input) : unclear(c, question, '');
}
