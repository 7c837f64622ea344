import { describe, expect, it } from 'vitest';
import {
  advance,
  converse,
  initialState,
  isOpen,
  startConversation,
  type Conversation,
  type ConversationAction,
  type ConversationState,
  type ConversationStatus,
  type TurnInput,
} from '../../src/followup/conversation/conversation.js';
import type { FollowUpReplyKey } from '../../src/i18n/followup.js';
import { parseReply } from '../../src/followup/conversation/reply-parser.js';

const reply = (key: FollowUpReplyKey): ConversationAction => ({ type: 'reply', message: { key } });
const record = (patch: Record<string, unknown>): ConversationAction => ({ type: 'record', patch });

const atSolved: Conversation = { status: 'awaiting_solved', clarifications: 0 };
const atRatingSolved: Conversation = { status: 'awaiting_rating', solved: true, clarifications: 0 };
const atRatingNotSolved: Conversation = { status: 'awaiting_rating', solved: false, clarifications: 0 };
const atReason: Conversation = { status: 'awaiting_reason', solved: false, rating: 2, clarifications: 0 };
const completed: Conversation = { status: 'completed', solved: true, rating: 4, clarifications: 0 };

const OPEN: [ConversationStatus, Conversation, FollowUpReplyKey, FollowUpReplyKey][] = [
  ['awaiting_solved', atSolved, 'askSolved', 'clarifySolved'],
  ['awaiting_rating', atRatingSolved, 'askRating', 'clarifyRating'],
  ['awaiting_reason', atReason, 'askReason', 'clarifyReason'],
];
const CLOSED: [ConversationStatus, Conversation, FollowUpReplyKey][] = [
  ['completed', completed, 'alreadyAnswered'],
  ['expired', { status: 'expired', clarifications: 0 }, 'closedOrExpired'],
  ['cancelled', { status: 'cancelled', clarifications: 0 }, 'closedOrExpired'],
  ['opted_out', { status: 'opted_out', solved: false, clarifications: 0 }, 'closedOrExpired'],
];

/** Every kind of input, one of each, for the "every status accepts every input" checks. */
const EVERY_INPUT: TurnInput[] = [
  { kind: 'solved', value: true },
  { kind: 'solved', value: false },
  { kind: 'rating', value: 3 },
  { kind: 'reason', value: 'other', text: 'x' },
  { kind: 'unclear', text: 'hmm' },
  { kind: 'unclear', text: '' },
  { kind: 'opt_out' },
  { kind: 'opt_in' },
  { kind: 'help' },
  { kind: 'tap', answer: { question: 'solved', value: false } },
  { kind: 'tap', answer: { question: 'rating', value: 5 } },
  { kind: 'tap', answer: { question: 'reason', value: 'no_contact' } },
];

describe('converse: the happy paths', () => {
  it('starts at the solved question', () => {
    expect(startConversation()).toEqual(atSolved);
    expect(isOpen('awaiting_solved')).toBe(true);
    expect(isOpen('completed')).toBe(false);
  });

  it('solved → rating → thanks, confirmed solved', () => {
    const a = converse(atSolved, { kind: 'solved', value: true });
    expect(a).toEqual({
      conversation: atRatingSolved,
      actions: [record({ status: 'awaiting_rating', solved: true, clarifications: 0 }), reply('askRating')],
    });
    const b = converse(a.conversation, { kind: 'rating', value: 5 });
    expect(b).toEqual({
      conversation: { status: 'completed', solved: true, rating: 5, clarifications: 0 },
      actions: [
        record({ status: 'completed', rating: 5, clarifications: 0 }),
        { type: 'complete', outcome: 'confirmed_solved' },
        reply('thanksSolved'),
      ],
    });
  });

  it('not solved → disputed at once → rating → reason → thanks, disputed', () => {
    const a = converse(atSolved, { kind: 'solved', value: false });
    expect(a).toEqual({
      conversation: atRatingNotSolved,
      actions: [
        record({ status: 'awaiting_rating', solved: false, clarifications: 0 }),
        { type: 'dispute' },
        reply('askRating'),
      ],
    });
    const b = converse(a.conversation, { kind: 'rating', value: 2 });
    expect(b).toEqual({
      conversation: atReason,
      actions: [record({ status: 'awaiting_reason', rating: 2, clarifications: 0 }), reply('askReason')],
    });
    const c = converse(b.conversation, { kind: 'reason', value: 'still_exists' });
    expect(c).toEqual({
      conversation: { ...atReason, status: 'completed', reason: 'still_exists' },
      actions: [
        record({ status: 'completed', reason: 'still_exists', clarifications: 0 }),
        { type: 'complete', outcome: 'disputed' },
        reply('thanksDisputed'),
      ],
    });
  });

  it('keeps the words of an "other" reason as the comment, after any earlier comment', () => {
    const c = converse(
      { ...atReason, comment: 'called twice' },
      { kind: 'reason', value: 'other', text: 'rude agent' },
    );
    expect(c.conversation).toMatchObject({
      status: 'completed',
      reason: 'other',
      comment: 'called twice\nrude agent',
    });
    expect(c.actions[0]).toEqual(
      record({
        status: 'completed',
        reason: 'other',
        clarifications: 0,
        comment: 'called twice\nrude agent',
      }),
    );
  });

  it('runs on parsed SMS replies end to end, keeping the words of a reason it understood', () => {
    let c = startConversation();
    for (const [text, question] of [
      ['ما انحلت', 'solved'],
      ['٢', 'rating'],
      ['قالوا لازم احضر', 'reason'],
    ] as const) {
      c = converse(c, parseReply(text, question)).conversation;
    }
    expect(c).toEqual({
      status: 'completed',
      solved: false,
      rating: 2,
      reason: 'asked_to_visit',
      comment: 'قالوا لازم احضر',
      clarifications: 0,
    });
  });

  it('answers from taps exactly like parsed replies', () => {
    const tapped = converse(atSolved, { kind: 'tap', answer: { question: 'solved', value: false } });
    expect(tapped).toEqual(converse(atSolved, { kind: 'solved', value: false }));
    const reason = converse(atReason, {
      kind: 'tap',
      answer: { question: 'reason', value: 'other', text: 'no show' },
    });
    expect(reason).toEqual(converse(atReason, { kind: 'reason', value: 'other', text: 'no show' }));
  });
});

describe.each(OPEN)('converse while %s', (_status, at, ask, clarify) => {
  it('asks once for clarification on an unclear reply', () => {
    expect(converse(at, { kind: 'unclear', text: 'hmm' })).toEqual({
      conversation: { ...at, clarifications: 1 },
      actions: [record({ clarifications: 1 }), reply(clarify)],
    });
  });

  it('keeps a second unclear reply as a comment, acknowledged once, and answers nothing', () => {
    const once = { ...at, clarifications: 1 };
    const b = converse(once, { kind: 'unclear', text: '  I called twice  ' });
    expect(b).toEqual({
      conversation: { ...at, clarifications: 2, comment: 'I called twice' },
      actions: [record({ comment: 'I called twice', clarifications: 2 }), reply('commentNoted')],
    });
    const c = converse(b.conversation, { kind: 'unclear', text: 'and again' });
    expect(c).toEqual({
      conversation: { ...at, clarifications: 2, comment: 'I called twice\nand again' },
      actions: [record({ comment: 'I called twice\nand again', clarifications: 2 })],
    });
    expect(c.conversation.status).toBe(at.status);
    expect(c.conversation.solved).toBe(at.solved);
    expect(c.conversation.rating).toBe(at.rating);
    expect(c.conversation.reason).toBeUndefined();
  });

  it('does nothing with an empty unclear reply once it has clarified', () => {
    const once = { ...at, clarifications: 1 };
    expect(converse(once, { kind: 'unclear', text: '   ' })).toEqual({ conversation: once, actions: [] });
  });

  it('treats a parsed answer to another question as unclear, without text to keep', () => {
    const other: TurnInput =
      at.status === 'awaiting_rating' ? { kind: 'solved', value: true } : { kind: 'rating', value: 4 };
    expect(converse(at, other)).toEqual({
      conversation: { ...at, clarifications: 1 },
      actions: [record({ clarifications: 1 }), reply(clarify)],
    });
    expect(converse({ ...at, clarifications: 1 }, other)).toEqual({
      conversation: { ...at, clarifications: 1 },
      actions: [],
    });
  });

  it('ignores a tap on a stale page (a question no longer asked)', () => {
    const stale: TurnInput =
      at.status === 'awaiting_solved'
        ? { kind: 'tap', answer: { question: 'rating', value: 1 } }
        : { kind: 'tap', answer: { question: 'solved', value: true } };
    expect(converse(at, stale)).toEqual({ conversation: at, actions: [] });
  });

  it('opts out: the conversation closes as opted out and the number is recorded', () => {
    expect(converse(at, { kind: 'opt_out' })).toEqual({
      conversation: { ...at, status: 'opted_out' },
      actions: [record({ status: 'opted_out' }), { type: 'opt_out' }, reply('optedOut')],
    });
  });

  it('opts in without changing the conversation', () => {
    expect(converse(at, { kind: 'opt_in' })).toEqual({
      conversation: at,
      actions: [{ type: 'opt_in' }, reply('optedIn')],
    });
  });

  it('answers help and asks the open question again', () => {
    expect(converse(at, { kind: 'help' })).toEqual({
      conversation: at,
      actions: [reply('help'), reply(ask)],
    });
  });

  it('resets the clarification count when the question is answered', () => {
    const answer: TurnInput =
      at.status === 'awaiting_solved'
        ? { kind: 'solved', value: true }
        : at.status === 'awaiting_rating'
          ? { kind: 'rating', value: 4 }
          : { kind: 'reason', value: 'no_contact' };
    expect(converse({ ...at, clarifications: 2, comment: 'x' }, answer).conversation).toMatchObject({
      clarifications: 0,
      comment: 'x',
    });
  });
});

describe.each(CLOSED)('converse when %s', (_status, at, closedReply) => {
  it.each(EVERY_INPUT.filter((i) => i.kind !== 'opt_out' && i.kind !== 'opt_in' && i.kind !== 'help'))(
    'answers %j politely and changes nothing',
    (input) => {
      expect(converse(at, input)).toEqual({ conversation: at, actions: [reply(closedReply)] });
    },
  );

  it('still opts the number out (STOP always works), confirming unless already opted out here', () => {
    const expected: ConversationAction[] =
      at.status === 'opted_out' ? [{ type: 'opt_out' }] : [{ type: 'opt_out' }, reply('optedOut')];
    expect(converse(at, { kind: 'opt_out' })).toEqual({ conversation: at, actions: expected });
  });

  it('opts in without reopening', () => {
    expect(converse(at, { kind: 'opt_in' })).toEqual({
      conversation: at,
      actions: [{ type: 'opt_in' }, reply('optedIn')],
    });
  });

  it('answers help alone', () => {
    expect(converse(at, { kind: 'help' })).toEqual({ conversation: at, actions: [reply('help')] });
  });
});

describe('converse: invariants', () => {
  const all: Conversation[] = [...OPEN.map(([, c]) => c), atRatingNotSolved, ...CLOSED.map(([, c]) => c)];

  it.each(all.map((c) => [c.status, c] as const))(
    'accepts every input while %s without throwing or mutating',
    (_s, c) => {
      for (const input of EVERY_INPUT) {
        const copy = structuredClone(c);
        const turn = converse(c, input);
        expect(c).toEqual(copy);
        // The record action, when present, is exactly what changed.
        const rec = turn.actions.find((a) => a.type === 'record');
        expect(turn.conversation).toEqual(rec ? { ...c, ...rec.patch } : c);
      }
    },
  );

  it('never completes without a rating, and never guesses one', () => {
    let c: Conversation = atRatingSolved;
    // Words no rating question shows are not ratings ("ممتاز", the label of 5, is: see below).
    for (const text of ['great', 'very good service', 'زين', '3 or 4', '👍']) {
      const turn = converse(c, parseReply(text, 'rating'));
      expect(turn.actions.some((a) => a.type === 'complete')).toBe(false);
      c = turn.conversation;
    }
    expect(c.rating).toBeUndefined();
    expect(c.status).toBe('awaiting_rating');
    expect(c.comment).toBe('very good service\nزين\n3 or 4\n👍');
    const labelled = converse(c, parseReply('ممتاز', 'rating'));
    expect(labelled.conversation).toMatchObject({ status: 'completed', rating: 5 });
  });

  it('disputes only on a "not solved" answer, once', () => {
    const paths: TurnInput[][] = [
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
      let c = startConversation();
      let n = 0;
      for (const input of inputs) {
        const turn = converse(c, input);
        n += turn.actions.filter((a) => a.type === 'dispute').length;
        c = turn.conversation;
      }
      return n;
    });
    expect(disputes).toEqual([1, 0]);
  });

  it('caps comments: 500 characters a reply, 2000 in all', () => {
    let c: Conversation = { ...atSolved, clarifications: 1 };
    c = converse(c, { kind: 'unclear', text: 'a'.repeat(800) }).conversation;
    expect(c.comment).toHaveLength(500);
    for (let i = 0; i < 6; i++) c = converse(c, { kind: 'unclear', text: 'b'.repeat(500) }).conversation;
    expect(c.comment).toHaveLength(2000);
  });
});

describe('advance (the step-based shape used by answers.ts)', () => {
  it('solved → rating → thanks', () => {
    const a = advance(initialState(), { kind: 'solved', value: true });
    expect(a).toEqual({
      state: { step: 'rating', solved: true, clarifications: 0 },
      replies: ['askRating'],
      outcome: 'confirmed_solved',
      completed: false,
      changed: true,
    });
    const b = advance(a.state, { kind: 'rating', value: 5 });
    expect(b).toEqual({
      state: { step: 'done', solved: true, rating: 5, clarifications: 0 },
      replies: ['thanksSolved'],
      completed: true,
      changed: true,
    });
  });

  it('not solved → disputed at once → rating → reason → thanks', () => {
    const a = advance(initialState(), { kind: 'solved', value: false });
    expect(a.outcome).toBe('disputed');
    const b = advance(a.state, { kind: 'rating', value: 2 });
    expect(b).toEqual({
      state: { step: 'reason', solved: false, rating: 2, clarifications: 0 },
      replies: ['askReason'],
      completed: false,
      changed: true,
    });
    const c = advance(b.state, { kind: 'reason', value: 'other', text: 'rude agent' });
    expect(c).toEqual({
      state: {
        step: 'done',
        solved: false,
        rating: 2,
        reason: 'other',
        comment: 'rude agent',
        clarifications: 0,
      },
      replies: ['thanksDisputed'],
      completed: true,
      changed: true,
    });
  });

  it('asks once for clarification, then keeps unclear text as a comment without answering for the citizen', () => {
    const a = advance(initialState(), { kind: 'unclear', text: 'hmm' });
    expect(a).toEqual({
      state: { step: 'solved', clarifications: 1 },
      replies: ['clarifySolved'],
      completed: false,
      changed: true,
    });
    const b = advance(a.state, { kind: 'unclear', text: 'I called twice' });
    expect(b).toEqual({
      state: { step: 'solved', comment: 'I called twice', clarifications: 2 },
      replies: ['commentNoted'],
      completed: false,
      changed: true,
    });
    const c = advance(b.state, { kind: 'unclear', text: 'and again' });
    expect(c).toMatchObject({ replies: [], changed: true, state: { comment: 'I called twice\nand again' } });
    const d = advance(c.state, { kind: 'unclear', text: '' });
    expect(d).toEqual({ state: c.state, replies: [], completed: false, changed: false });
  });

  it('an answer for another question counts as unclear', () => {
    expect(advance(initialState(), { kind: 'rating', value: 4 })).toMatchObject({
      replies: ['clarifySolved'],
      state: { step: 'solved', clarifications: 1 },
    });
  });

  it('a finished conversation changes nothing and says so', () => {
    const done: ConversationState = { step: 'done', solved: true, rating: 4, clarifications: 0 };
    expect(advance(done, { kind: 'solved', value: false })).toEqual({
      state: done,
      replies: ['alreadyAnswered'],
      completed: false,
      changed: false,
    });
  });
});
