import { describe, expect, it } from 'vitest';
import postCallRating from '../../../voice-flows/post-call-rating.js';
import { decide, stateUrl, type CallState } from '../../../src/voice/engine.js';
import { FlowError, loadFlow } from '../../../src/voice/flow.js';

const clone = () =>
  JSON.parse(JSON.stringify(postCallRating)) as typeof postCallRating & {
    steps: Record<string, Record<string, unknown>>;
  };

describe('loadFlow', () => {
  it('accepts the shipped post-call rating flow', () => {
    expect(loadFlow(postCallRating).firstStep).toBe('agent_rating');
  });
  it.each([
    [
      'an unknown next step',
      (f: ReturnType<typeof clone>) => {
        f.steps.solved.next = 'nowhere';
      },
      'step "solved": unknown next step "nowhere"',
    ],
    [
      'a value mapped from two keys',
      (f: ReturnType<typeof clone>) => {
        (f.steps.solved.choices as Record<string, unknown>)['3'] = true;
      },
      'step "solved": value "true" mapped from two keys',
    ],
    [
      'a missing language',
      (f: ReturnType<typeof clone>) => {
        delete (f.steps.thanks.prompt as Record<string, unknown>).en;
      },
      'step "thanks".prompt: missing language "en"',
    ],
    [
      'an unknown first step',
      (f: ReturnType<typeof clone>) => {
        f.firstStep = 'start';
      },
      'firstStep: unknown step "start"',
    ],
    [
      'a branch without a next step',
      (f: ReturnType<typeof clone>) => {
        (f.steps.comment_offer.choices as Record<string, unknown>)['3'] = 'later';
      },
      'step "comment_offer": no next step for choice "later"',
    ],
  ])('refuses %s, naming flow, step and problem', (_label, breakIt, message) => {
    const f = clone();
    breakIt(f);
    expect(() => loadFlow(f)).toThrow(FlowError);
    expect(() => loadFlow(f)).toThrow(
      new RegExp(
        `voice flow "post-call-rating" is invalid:[\\s\\S]*${message.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')}`,
      ),
    );
  });
});

describe('decide', () => {
  const flow = loadFlow(postCallRating);
  const state: CallState = { f: 'post-call-rating', s: 'agent_rating', l: 'ar', r: 0, a: 'a-1', t: 'T-1' };
  it('an accepted key yields the answer to store and the next question', () => {
    const d = decide(flow, state, '5');
    expect(d.answer).toMatchObject({ field: 'agentRating', value: 5, next: 'solved' });
    expect(d.twiml).toContain(stateUrl('/voice/step', { ...state, s: 'solved' }).replace(/&/g, '&amp;'));
  });
  it('branches on the value', () => {
    expect(decide(flow, { ...state, s: 'comment_offer' }, '1').twiml).toContain('<Record');
    expect(decide(flow, { ...state, s: 'comment_offer' }, '2').ended).toBe(true);
  });
  it('counts retries in the URL and ends when they run out', () => {
    const again = decide(flow, state, '8');
    expect(again.twiml).toContain('r=1');
    expect(decide(flow, { ...state, r: 1 }, '8')).toMatchObject({ ended: true });
  });
  it('uses a recorded prompt when the flow gives one', () => {
    const f = clone();
    (f.steps.solved.prompt as Record<string, unknown>).ar = {
      play: 'https://cdn.example.gov.sa/solved-ar.mp3',
    };
    expect(decide(loadFlow(f), state, '3').twiml).toContain(
      '<Play>https://cdn.example.gov.sa/solved-ar.mp3</Play>',
    );
  });
});
