import type { Outcome } from '../db/models/followup.js';
import type { ParsedReply, Question, Reason } from './reply-parser.js';

/**
 * The verification conversation, the same for SMS, WhatsApp, the answer page and a voice call:
 * solved? → rating 1–5 → (if not solved) reason → thanks. Pure: state and input in, new state and
 * what to do out; the caller persists and sends.
 */
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

export type ReplyKey =
  | 'askRating'
  | 'askReason'
  | 'thanksSolved'
  | 'thanksDisputed'
  | 'clarifySolved'
  | 'clarifyRating'
  | 'clarifyReason'
  | 'commentNoted'
  | 'alreadyAnswered';

export interface Transition {
  state: ConversationState;
  /** Texts to send back, in order (catalogue keys of src/i18n/followup.ts). */
  replies: ReplyKey[];
  /** Set when this input decides the verification outcome. */
  outcome?: Outcome;
  /** True when the conversation has just finished. */
  completed: boolean;
  /** False when the input changed nothing (so nothing needs writing). */
  changed: boolean;
}

export type ConversationInput = Exclude<ParsedReply, { kind: 'opt_out' } | { kind: 'opt_in' } | { kind: 'help' }>;

export function initialState(): ConversationState {
  return { step: 'solved', clarifications: 0 };
}

const CLARIFY: Record<Question, ReplyKey> = { solved: 'clarifySolved', rating: 'clarifyRating', reason: 'clarifyReason' };

function appendComment(existing: string | undefined, text: string): string {
  const trimmed = text.trim().slice(0, 500);
  return existing ? `${existing}\n${trimmed}`.slice(0, 2000) : trimmed;
}

export function advance(state: ConversationState, input: ConversationInput): Transition {
  const unchanged = (replies: ReplyKey[] = []): Transition => ({ state, replies, completed: false, changed: false });
  if (state.step === 'done') return unchanged(['alreadyAnswered']);

  if (input.kind === 'unclear') {
    if (state.clarifications < 1) {
      return {
        state: { ...state, clarifications: state.clarifications + 1 },
        replies: [CLARIFY[state.step]],
        completed: false,
        changed: true,
      };
    }
    // A second unclear reply is kept as the citizen's comment; the question stays open and is never
    // answered by guessing. One acknowledgement only, so an argument by SMS does not become a loop.
    if (input.text.trim() === '') return unchanged();
    const acknowledged = state.clarifications === 1;
    return {
      state: { ...state, comment: appendComment(state.comment, input.text), clarifications: 2 },
      replies: acknowledged ? ['commentNoted'] : [],
      completed: false,
      changed: true,
    };
  }

  if (state.step === 'solved' && input.kind === 'solved') {
    return {
      state: { ...state, step: 'rating', solved: input.value, clarifications: 0 },
      replies: ['askRating'],
      outcome: input.value ? 'confirmed_solved' : 'disputed',
      completed: false,
      changed: true,
    };
  }
  if (state.step === 'rating' && input.kind === 'rating') {
    if (state.solved) {
      return { state: { ...state, step: 'done', rating: input.value, clarifications: 0 }, replies: ['thanksSolved'], completed: true, changed: true };
    }
    return { state: { ...state, step: 'reason', rating: input.value, clarifications: 0 }, replies: ['askReason'], completed: false, changed: true };
  }
  if (state.step === 'reason' && input.kind === 'reason') {
    return {
      state: {
        ...state,
        step: 'done',
        reason: input.value,
        ...(input.text ? { comment: appendComment(state.comment, input.text) } : {}),
        clarifications: 0,
      },
      replies: ['thanksDisputed'],
      completed: true,
      changed: true,
    };
  }
  // An answer to another question than the one asked (a tap on an old page, a parser result for a
  // different step) is treated like an unclear reply to the current question.
  return advance(state, { kind: 'unclear', text: '' });
}
