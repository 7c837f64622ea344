import { describe, expect, it } from 'vitest';
import { advance, initialState, type ConversationState } from '../../../src/followup/conversation.js';

describe('conversation', () => {
  it('solved → rating → thanks', () => {
    const a = advance(initialState(), { kind: 'solved', value: true });
    expect(a).toMatchObject({ replies: ['askRating'], outcome: 'confirmed_solved', completed: false, state: { step: 'rating', solved: true } });
    const b = advance(a.state, { kind: 'rating', value: 5 });
    expect(b).toMatchObject({ replies: ['thanksSolved'], completed: true, state: { step: 'done', rating: 5 } });
  });
  it('not solved → disputed at once → rating → reason → thanks', () => {
    const a = advance(initialState(), { kind: 'solved', value: false });
    expect(a.outcome).toBe('disputed');
    const b = advance(a.state, { kind: 'rating', value: 2 });
    expect(b).toMatchObject({ replies: ['askReason'], completed: false, state: { step: 'reason' } });
    const c = advance(b.state, { kind: 'reason', value: 'other', text: 'rude agent' });
    expect(c).toMatchObject({ replies: ['thanksDisputed'], completed: true, state: { step: 'done', reason: 'other', comment: 'rude agent' } });
    expect(c.outcome).toBeUndefined();
  });
  it('asks once for clarification, then keeps unclear text as a comment without answering for the citizen', () => {
    const a = advance(initialState(), { kind: 'unclear', text: 'hmm' });
    expect(a).toMatchObject({ replies: ['clarifySolved'], state: { step: 'solved', clarifications: 1 } });
    const b = advance(a.state, { kind: 'unclear', text: 'I called twice' });
    expect(b).toMatchObject({ replies: ['commentNoted'], state: { step: 'solved', comment: 'I called twice', clarifications: 2 } });
    expect(b.state.solved).toBeUndefined();
    const c = advance(b.state, { kind: 'unclear', text: 'and again' });
    expect(c.replies).toEqual([]);
    expect(c.state.comment).toBe('I called twice\nand again');
    const d = advance(c.state, { kind: 'solved', value: true });
    expect(d.state).toMatchObject({ step: 'rating', solved: true, clarifications: 0 });
  });
  it('clarifies the rating question with its own text and never guesses a rating', () => {
    const rating: ConversationState = { step: 'rating', solved: true, clarifications: 0 };
    const a = advance(rating, { kind: 'unclear', text: 'excellent' });
    expect(a.replies).toEqual(['clarifyRating']);
    expect(a.state.rating).toBeUndefined();
  });
  it('an answer for another question counts as unclear', () => {
    const a = advance(initialState(), { kind: 'rating', value: 4 });
    expect(a).toMatchObject({ replies: ['clarifySolved'], state: { step: 'solved', clarifications: 1 } });
  });
  it('a finished conversation changes nothing and says so', () => {
    const done: ConversationState = { step: 'done', solved: true, rating: 4, clarifications: 0 };
    expect(advance(done, { kind: 'solved', value: false })).toEqual({ state: done, replies: ['alreadyAnswered'], completed: false, changed: false });
  });
});
