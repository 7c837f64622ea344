import { describe, expect, it } from 'vitest';
import {
  advance,
  initialState,
  questionOf,
  type ConversationInput,
  type ConversationStage,
  type ConversationState,
  type ReplyKey,
} from '../../src/followup/conversation/conversation.js';
import { parseReply } from '../../src/followup/conversation/reply-parser.js';

const atSolved: ConversationState = { state: 'awaiting_solved', clarifications: 0 };
const atRatingSolved: ConversationState = { state: 'awaiting_rating', solved: true, clarifications: 0 };
const atRatingNotSolved: ConversationState = { state: 'awaiting_rating', solved: false, clarifications: 0 };
const atReason: ConversationState = { state: 'awaiting_reason', solved: false, rating: 2, clarifications: 0 };
const completed: ConversationState = { state: 'completed', solved: true, rating: 4, clarifications: 0 };

const OPEN: [ConversationStage, ConversationState, ReplyKey][] = [
  ['awaiting_solved', atSolved, 'clarifySolved'],
  ['awaiting_rating', atRatingSolved, 'clarifyRating'],
  ['awaiting_reason', atReason, 'clarifyReason'],
];

/** Every kind of input the conversation takes, one of each, for the "every state accepts every input" checks. */
const EVERY_INPUT: ConversationInput[] = [
  { kind: 'solved', value: true },
  { kind: 'solved', value: false },
  { kind: 'rating', value: 3 },
  { kind: 'reason', value: 'other', text: 'x' },
  { kind: 'reason', value: 'no_contact' },
  { kind: 'unclear', text: 'hmm' },
  { kind: 'unclear', text: '' },
];

describe('the conversation: the happy paths', () => {
  it('starts at the solved question; a completed one asks nothing', () => {
    expect(initialState()).toEqual(atSolved);
    expect(questionOf('awaiting_solved')).toBe('solved');
    expect(questionOf('completed')).toBeUndefined();
  });

  it('solved → rating → thanks, confirmed solved', () => {
    const a = advance(atSolved, { kind: 'solved', value: true });
    expect(a).toEqual({
      conversation: atRatingSolved,
      replies: ['askRating'],
      outcome: 'confirmed_solved',
      completed: false,
      changed: true,
    });
    const b = advance(a.conversation, { kind: 'rating', value: 5 });
    expect(b).toEqual({
      conversation: { state: 'completed', solved: true, rating: 5, clarifications: 0 },
      replies: ['thanksSolved'],
      completed: true,
      changed: true,
    });
  });

  it('not solved → disputed at once → rating → reason → thanks', () => {
    const a = advance(atSolved, { kind: 'solved', value: false });
    expect(a).toEqual({
      conversation: atRatingNotSolved,
      replies: ['askRating'],
      outcome: 'disputed',
      completed: false,
      changed: true,
    });
    const b = advance(a.conversation, { kind: 'rating', value: 2 });
    expect(b).toEqual({ conversation: atReason, replies: ['askReason'], completed: false, changed: true });
    const c = advance(b.conversation, { kind: 'reason', value: 'still_exists' });
    expect(c).toEqual({
      conversation: { ...atReason, state: 'completed', reason: 'still_exists' },
      replies: ['thanksDisputed'],
      completed: true,
      changed: true,
    });
  });

  it('keeps the words of an "other" reason as the comment, after any earlier comment', () => {
    const c = advance(
      { ...atReason, comment: 'called twice' },
      { kind: 'reason', value: 'other', text: 'rude agent' },
    );
    expect(c.conversation).toEqual({
      ...atReason,
      state: 'completed',
      reason: 'other',
      comment: 'called twice\nrude agent',
    });
  });

  it('runs on parsed SMS replies end to end, keeping the words of a reason it understood', () => {
    let c = initialState();
    for (const text of ['ما انحلت', '٢', 'قالوا لازم احضر']) {
      const question = questionOf(c.state);
      if (!question) throw new Error(`the conversation ended before "${text}"`);
      const reply = parseReply(text, question);
      if (
        reply.kind === 'opt_out' ||
        reply.kind === 'opt_in' ||
        reply.kind === 'help' ||
        reply.kind === 'language'
      )
        throw new Error(`"${text}" read as a keyword`);
      c = advance(c, reply).conversation;
    }
    expect(c).toEqual({
      state: 'completed',
      solved: false,
      rating: 2,
      reason: 'asked_to_visit',
      comment: 'قالوا لازم احضر',
      clarifications: 0,
    });
  });
});

describe.each(OPEN)('the conversation while %s', (_state, at, clarify) => {
  it('asks once for clarification on an unclear reply', () => {
    expect(advance(at, { kind: 'unclear', text: 'hmm' })).toEqual({
      conversation: { ...at, clarifications: 1 },
      replies: [clarify],
      completed: false,
      changed: true,
    });
  });

  it('keeps a second unclear reply as a comment, acknowledged once, and answers nothing', () => {
    const once = { ...at, clarifications: 1 };
    const b = advance(once, { kind: 'unclear', text: '  I called twice  ' });
    expect(b).toEqual({
      conversation: { ...at, clarifications: 2, comment: 'I called twice' },
      replies: ['commentNoted'],
      completed: false,
      changed: true,
    });
    const c = advance(b.conversation, { kind: 'unclear', text: 'and again' });
    expect(c).toEqual({
      conversation: { ...at, clarifications: 2, comment: 'I called twice\nand again' },
      replies: [],
      completed: false,
      changed: true,
    });
    expect(c.conversation.state).toBe(at.state);
    expect(c.conversation.solved).toBe(at.solved);
    expect(c.conversation.rating).toBe(at.rating);
    expect(c.conversation.reason).toBeUndefined();
    expect(c.outcome).toBeUndefined();
  });

  it('does nothing with an empty unclear reply once it has clarified', () => {
    const once = { ...at, clarifications: 1 };
    expect(advance(once, { kind: 'unclear', text: '   ' })).toEqual({
      conversation: once,
      replies: [],
      completed: false,
      changed: false,
    });
  });

  it('treats a parsed answer to another question as unclear, without text to keep', () => {
    const other: ConversationInput =
      at.state === 'awaiting_rating' ? { kind: 'solved', value: true } : { kind: 'rating', value: 4 };
    expect(advance(at, other)).toEqual({
      conversation: { ...at, clarifications: 1 },
      replies: [clarify],
      completed: false,
      changed: true,
    });
    expect(advance({ ...at, clarifications: 1 }, other)).toEqual({
      conversation: { ...at, clarifications: 1 },
      replies: [],
      completed: false,
      changed: false,
    });
  });

  it('resets the clarification count when the question is answered', () => {
    const answer: ConversationInput =
      at.state === 'awaiting_solved'
        ? { kind: 'solved', value: true }
        : at.state === 'awaiting_rating'
          ? { kind: 'rating', value: 4 }
          : { kind: 'reason', value: 'no_contact' };
    expect(advance({ ...at, clarifications: 2, comment: 'x' }, answer).conversation).toMatchObject({
      clarifications: 0,
      comment: 'x',
    });
  });
});

describe('the conversation when completed', () => {
  it.each(EVERY_INPUT)('answers %j politely and changes nothing', (input) => {
    expect(advance(completed, input)).toEqual({
      conversation: completed,
      replies: ['alreadyAnswered'],
      completed: false,
      changed: false,
    });
  });
});

describe('the conversation: invariants', () => {
  const all: ConversationState[] = [...OPEN.map(([, c]) => c), atRatingNotSolved, completed];

  it.each(all.map((c) => [c.state, c] as const))(
    'accepts every input while %s without throwing or mutating',
    (_s, c) => {
      for (const input of EVERY_INPUT) {
        const copy = structuredClone(c);
        const t = advance(c, input);
        expect(c).toEqual(copy);
        // Nothing to write means nothing changed.
        if (!t.changed) expect(t.conversation).toEqual(c);
      }
    },
  );

  it('never completes without a rating, and never guesses one', () => {
    let c: ConversationState = atRatingSolved;
    // Words no rating question shows are not ratings ("ممتاز", the label of 5, is: see below).
    for (const text of ['great', 'very good service', 'زين', '3 or 4', '👍']) {
      const reply = parseReply(text, 'rating');
      expect(reply.kind).toBe('unclear');
      const t = advance(c, reply as ConversationInput);
      expect(t.completed).toBe(false);
      c = t.conversation;
    }
    expect(c.rating).toBeUndefined();
    expect(c.state).toBe('awaiting_rating');
    expect(c.comment).toBe('very good service\nزين\n3 or 4\n👍');
    const labelled = advance(c, parseReply('ممتاز', 'rating') as ConversationInput);
    expect(labelled.conversation).toMatchObject({ state: 'completed', rating: 5 });
  });

  it('disputes only on a "not solved" answer, once', () => {
    const paths: ConversationInput[][] = [
      [
        { kind: 'solved', value: false },
        { kind: 'rating', value: 1 },
        { kind: 'reason', value: 'other' },
        { kind: 'solved', value: false },
      ],
      [
        { kind: 'solved', value: true },
        { kind: 'rating', value: 1 },
        { kind: 'solved', value: false },
      ],
    ];
    const disputes = paths.map((inputs) => {
      let c = initialState();
      let n = 0;
      for (const input of inputs) {
        const t = advance(c, input);
        if (t.outcome === 'disputed') n++;
        c = t.conversation;
      }
      return n;
    });
    expect(disputes).toEqual([1, 0]);
  });

  it('caps comments: 500 characters a reply, 2000 in all', () => {
    let c: ConversationState = { ...atSolved, clarifications: 1 };
    c = advance(c, { kind: 'unclear', text: 'a'.repeat(800) }).conversation;
    expect(c.comment).toHaveLength(500);
    for (let i = 0; i < 6; i++) c = advance(c, { kind: 'unclear', text: 'b'.repeat(500) }).conversation;
    expect(c.comment).toHaveLength(2000);
  });
});
