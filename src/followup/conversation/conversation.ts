import type { Outcome } from '../../db/models/followup.js';
import type { FollowUpReplyKey } from '../../i18n/followup.js';
import type { ParsedReply, Question, Rating, Reason } from './reply-parser.js';

/**
 * The verification conversation, the same for SMS, WhatsApp, the answer page and a voice call:
 * solved? → rating 1–5 → (if not solved) reason → thanks. Pure: a conversation and one input in, the
 * next conversation and a list of actions (data) out; the caller persists, notifies and sends.
 *
 * Unclear input gets one clarification. A second unclear reply is kept as the citizen's comment and
 * the question stays open: nothing is ever answered for the citizen, and the reminder or the expiry
 * job closes a conversation that never gets a clear answer. Only the first comment is acknowledged,
 * so an argument by SMS does not become a loop of automatic replies.
 */

export type ConversationStatus =
  | 'awaiting_solved'
  | 'awaiting_rating'
  | 'awaiting_reason'
  | 'completed'
  | 'expired'
  | 'cancelled'
  | 'opted_out';

/** The outcomes a conversation itself decides; the others (no response, undeliverable…) come from jobs. */
export type VerifiedOutcome = Extract<Outcome, 'confirmed_solved' | 'disputed'>;

export interface Conversation {
  status: ConversationStatus;
  solved?: boolean;
  rating?: number;
  reason?: Reason;
  comment?: string;
  /** Clarifications sent for the current question: 0, 1, or 2 once a comment has been kept. */
  clarifications: number;
}

/** An answer whose question is known for certain: a button on the answer page or a WhatsApp quick reply. */
export type Answer =
  | { question: 'solved'; value: boolean }
  | { question: 'rating'; value: Rating }
  | { question: 'reason'; value: Reason; text?: string };
export type TapInput = { kind: 'tap'; answer: Answer };
export type TurnInput = ParsedReply | TapInput;

export type ConversationPatch = Partial<Omit<Conversation, 'status'>> & { status?: ConversationStatus };

export type ConversationAction =
  /** Say this to the citizen; the renderer fills the ticket reference (renderFollowUpReply). */
  | { type: 'reply'; message: { key: FollowUpReplyKey } }
  /** Persist these fields (guarded by the caller's revision check). */
  | { type: 'record'; patch: ConversationPatch }
  /** The citizen said "not solved": mark the closure disputed and notify the ticket system now. */
  | { type: 'dispute' }
  /** The conversation has finished with this outcome: cancel the reminder and expiry. */
  | { type: 'complete'; outcome: VerifiedOutcome }
  /** Record the phone number as opted out of (or back into) all follow-ups. */
  | { type: 'opt_out' }
  | { type: 'opt_in' };

export interface Turn {
  conversation: Conversation;
  actions: ConversationAction[];
}

const QUESTION_OF: Partial<Record<ConversationStatus, Question>> = {
  awaiting_solved: 'solved',
  awaiting_rating: 'rating',
  awaiting_reason: 'reason',
};
const ASK: Record<Question, FollowUpReplyKey> = {
  solved: 'askSolved',
  rating: 'askRating',
  reason: 'askReason',
};
const CLARIFY: Record<Question, FollowUpReplyKey> = {
  solved: 'clarifySolved',
  rating: 'clarifyRating',
  reason: 'clarifyReason',
};
/** What a closed conversation says to any further answer. */
const CLOSED_REPLY: Record<Exclude<ConversationStatus, `awaiting_${string}`>, FollowUpReplyKey> = {
  completed: 'alreadyAnswered',
  expired: 'closedOrExpired',
  cancelled: 'closedOrExpired',
  opted_out: 'closedOrExpired',
};

const MAX_COMMENT_PART = 500;
const MAX_COMMENT = 2000;

export function startConversation(): Conversation {
  return { status: 'awaiting_solved', clarifications: 0 };
}

export function isOpen(status: ConversationStatus): boolean {
  return QUESTION_OF[status] !== undefined;
}

function reply(key: FollowUpReplyKey): ConversationAction {
  return { type: 'reply', message: { key } };
}

function appendComment(existing: string | undefined, text: string): string {
  const part = text.trim().slice(0, MAX_COMMENT_PART);
  return existing ? `${existing}\n${part}`.slice(0, MAX_COMMENT) : part;
}

function move(c: Conversation, patch: ConversationPatch, ...more: ConversationAction[]): Turn {
  return { conversation: { ...c, ...patch }, actions: [{ type: 'record', patch }, ...more] };
}

function unclearTurn(c: Conversation, question: Question, text: string): Turn {
  if (c.clarifications < 1) return move(c, { clarifications: 1 }, reply(CLARIFY[question]));
  if (text.trim() === '') return { conversation: c, actions: [] };
  const patch = { comment: appendComment(c.comment, text), clarifications: 2 };
  return c.clarifications === 1 ? move(c, patch, reply('commentNoted')) : move(c, patch);
}

function answerTurn(c: Conversation, answer: Answer): Turn {
  switch (answer.question) {
    case 'solved': {
      const patch = { status: 'awaiting_rating' as const, solved: answer.value, clarifications: 0 };
      // The dispute goes out at once: a citizen who stops after "no" has still disputed the closure.
      return answer.value
        ? move(c, patch, reply('askRating'))
        : move(c, patch, { type: 'dispute' }, reply('askRating'));
    }
    case 'rating': {
      if (c.solved === true) {
        return move(
          c,
          { status: 'completed', rating: answer.value, clarifications: 0 },
          { type: 'complete', outcome: 'confirmed_solved' },
          reply('thanksSolved'),
        );
      }
      return move(
        c,
        { status: 'awaiting_reason', rating: answer.value, clarifications: 0 },
        reply('askReason'),
      );
    }
    case 'reason': {
      const patch: ConversationPatch = { status: 'completed', reason: answer.value, clarifications: 0 };
      if (answer.text) patch.comment = appendComment(c.comment, answer.text);
      return move(c, patch, { type: 'complete', outcome: 'disputed' }, reply('thanksDisputed'));
    }
  }
}

function answerOf(input: ParsedReply): Answer | undefined {
  switch (input.kind) {
    case 'solved':
      return { question: 'solved', value: input.value };
    case 'rating':
      return { question: 'rating', value: input.value };
    case 'reason':
      return input.text === undefined
        ? { question: 'reason', value: input.value }
        : { question: 'reason', value: input.value, text: input.text };
    default:
      return undefined;
  }
}

/** One step of the conversation. Total: every status accepts every input. */
export function converse(c: Conversation, input: TurnInput): Turn {
  const question = QUESTION_OF[c.status];
  switch (input.kind) {
    case 'opt_out':
      // STOP always works. A closed conversation stays as it was; the number is opted out regardless.
      if (question) return move(c, { status: 'opted_out' }, { type: 'opt_out' }, reply('optedOut'));
      return {
        conversation: c,
        actions: c.status === 'opted_out' ? [{ type: 'opt_out' }] : [{ type: 'opt_out' }, reply('optedOut')],
      };
    case 'opt_in':
      // Opting back in allows future follow-ups; it does not reopen this one.
      return { conversation: c, actions: [{ type: 'opt_in' }, reply('optedIn')] };
    case 'help':
      return { conversation: c, actions: question ? [reply('help'), reply(ASK[question])] : [reply('help')] };
    default:
      break;
  }
  if (!question)
    return { conversation: c, actions: [reply(CLOSED_REPLY[c.status as keyof typeof CLOSED_REPLY])] };
  if (input.kind === 'tap') {
    // A tap on a page opened before the last answer (or a double submit) answers a question that is
    // no longer asked: nothing changes and the caller shows where the conversation stands.
    return input.answer.question === question
      ? answerTurn(c, input.answer)
      : { conversation: c, actions: [] };
  }
  if (input.kind === 'unclear') return unclearTurn(c, question, input.text);
  const answer = answerOf(input);
  // A parsed answer to another question than the one asked is as good as unclear, without text to keep.
  return answer && answer.question === question ? answerTurn(c, answer) : unclearTurn(c, question, '');
}

// ---------------------------------------------------------------------------------------------------
// The step-based shape that answers.ts (beside it) and the answer page use. It delegates to
// `converse`, so both shapes always behave the same.

export type Step = Question | 'done';

export interface ConversationState {
  step: Step;
  solved?: boolean;
  rating?: number;
  reason?: Reason;
  comment?: string;
  /** Clarifications sent for the current question; one at most, then unclear text becomes a comment. */
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
const REPLY_KEYS: ReadonlySet<string> = new Set<ReplyKey>([
  'askRating',
  'askReason',
  'thanksSolved',
  'thanksDisputed',
  'clarifySolved',
  'clarifyRating',
  'clarifyReason',
  'commentNoted',
  'alreadyAnswered',
]);

function isReplyKey(key: FollowUpReplyKey): key is ReplyKey {
  return REPLY_KEYS.has(key);
}

export interface Transition {
  state: ConversationState;
  /** Texts to send back, in order (catalogue keys of src/i18n/followup.ts). */
  replies: ReplyKey[];
  /** Set when this input decides the verification outcome ("solved?" answered). */
  outcome?: Outcome;
  /** True when the conversation has just finished. */
  completed: boolean;
  /** False when the input changed nothing (so nothing needs writing). */
  changed: boolean;
}

export type ConversationInput = Exclude<
  ParsedReply,
  { kind: 'opt_out' } | { kind: 'opt_in' } | { kind: 'help' }
>;

export function initialState(): ConversationState {
  return { step: 'solved', clarifications: 0 };
}

const STATUS_OF_STEP: Record<Step, ConversationStatus> = {
  solved: 'awaiting_solved',
  rating: 'awaiting_rating',
  reason: 'awaiting_reason',
  done: 'completed',
};

function stepOf(status: ConversationStatus): Step {
  const question = QUESTION_OF[status];
  if (question) return question;
  if (status === 'completed') return 'done';
  throw new Error(`conversation status ${status} has no step: the step-based API only reaches completed`);
}

export function advance(state: ConversationState, input: ConversationInput): Transition {
  const { step, ...rest } = state;
  const turn = converse({ ...rest, status: STATUS_OF_STEP[step] }, input);
  const replies = turn.actions.flatMap((a) =>
    a.type === 'reply' && isReplyKey(a.message.key) ? [a.message.key] : [],
  );
  const record = turn.actions.find((a) => a.type === 'record');
  if (!record) return { state, replies, completed: false, changed: false };
  const { status, ...fields } = turn.conversation;
  const disputed = turn.actions.some((a) => a.type === 'dispute');
  const confirmed = record.patch.solved === true;
  return {
    state: { ...fields, step: stepOf(status) },
    replies,
    ...(disputed
      ? { outcome: 'disputed' as const }
      : confirmed
        ? { outcome: 'confirmed_solved' as const }
        : {}),
    completed: turn.actions.some((a) => a.type === 'complete'),
    changed: true,
  };
}
