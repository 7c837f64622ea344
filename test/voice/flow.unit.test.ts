import { describe, expect, it } from 'vitest';
import postCallRating from '../../voice-flows/post-call-rating.js';
import closureVerification from '../../voice-flows/closure-verification.js';
import { CITIZEN_LANGUAGES } from '../../src/i18n/languages.js';
import { buildStep, decide, renderStep, stateUrl, type CallState } from '../../src/voice/engine.js';
import { FlowError, loadFlow } from '../../src/voice/flow.js';

/** The residents' languages' prompts, for a test that writes its own ar and en ones. */
const residents = {
  bn: { say: 'বাংলা' },
  hi: { say: 'हिंदी' },
  ur: { play: 'https://cdn.example.gov.sa/ur.wav' },
  fil: { say: 'Filipino' },
  id: { say: 'Indonesia' },
  ne: { play: 'https://cdn.example.gov.sa/ne.wav' },
};

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
        (f.steps.thanks as Record<string, unknown>).prompt = {
          ar: { play: 'https://cdn.example.gov.sa/thanks-ar.mp3' },
        };
      },
      'step "thanks".prompt: missing language "en"',
    ],
    [
      'a text that src/i18n/voice.ts does not have',
      (f: ReturnType<typeof clone>) => {
        (f.steps.thanks as Record<string, unknown>).prompt = { text: 'thanksForNothing' };
      },
      'step "thanks".prompt: unknown text "thanksForNothing" (src/i18n/voice.ts)',
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

describe('the texts of a flow', () => {
  it("are said from src/i18n/voice.ts in the caller's language, word for word", () => {
    const flow = loadFlow(postCallRating);
    expect(flow.steps.thanks?.prompt).toEqual({
      ar: { say: 'شكرا لتقييمك. مع السلامة.' },
      en: { say: 'Thank you for your rating. Goodbye.' },
      bn: { say: 'মূল্যায়নের জন্য ধন্যবাদ। ভালো থাকবেন।' },
      hi: { say: 'रेटिंग देने के लिए धन्यवाद। नमस्ते।' },
      ur: { play: '/voice/prompts/ur/thanksRating.wav' },
      fil: { say: 'Salamat po sa inyong rating. Paalam.' },
      id: { say: 'Terima kasih atas penilaian Anda. Sampai jumpa.' },
      ne: { play: '/voice/prompts/ne/thanksRating.wav' },
    });
    expect(flow.voices.ar).toEqual({ voice: 'Polly.Zeina', language: 'arb' });
    expect(flow.voices.bn).toEqual({ voice: 'Google.bn-IN-Wavenet-A', language: 'bn-IN' });
    expect(flow.voices.ur).toBeUndefined();
  });

  it('read the ticket out between recorded parts where Twilio has no voice', () => {
    const flow = loadFlow(closureVerification, 'https://verisat.example');
    const state: CallState = { f: flow.id, s: 'solved', l: 'ur', r: 0, a: 'f-1', t: 'T-10a' };
    const plays = [...renderStep(flow, state).matchAll(/<Play>([^<]*)<\/Play>/g)].map((m) => m[1]);
    const dir = 'https://verisat.example/voice/prompts/ur/';
    expect(plays).toEqual(
      ['verifySolved-1', 'char-t', 'char-1', 'char-0', 'char-a', 'verifySolved-2'].map(
        (f) => `${dir}${f}.wav`,
      ),
    );
    expect(renderStep(flow, { ...state, l: 'hi' })).toContain('शिकायत नंबर T 1 0 a के बारे में');
  });

  it('refuses a said prompt in a language Twilio has no voice for', () => {
    const f = clone();
    (f.steps.thanks as Record<string, unknown>).prompt = {
      ar: { say: 'شكرا.' },
      en: { say: 'Thanks.' },
      ...residents,
      ne: { say: 'धन्यवाद।' },
    };
    expect(() => loadFlow(f)).toThrow(/step "thanks".prompt: Twilio has no voice for "ne"/);
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
    (f.steps.solved as Record<string, unknown>).prompt = {
      ar: { play: 'https://cdn.example.gov.sa/solved-ar.mp3' },
      en: { say: 'Was your problem solved on this call?' },
      ...residents,
    };
    expect(decide(loadFlow(f), state, '3').twiml).toContain(
      '<Play>https://cdn.example.gov.sa/solved-ar.mp3</Play>',
    );
  });
});

describe('renderStep from templates', () => {
  const flow = loadFlow(postCallRating);
  const ids = ['', 'a-1', 'agent.7_x', 'T-2026-000123'];
  const cases = Object.keys(flow.steps).flatMap((s) =>
    CITIZEN_LANGUAGES.flatMap((l) =>
      [0, 1].flatMap((r) =>
        ([undefined, 'invalid', 'noInput'] as const).flatMap((notice) =>
          ids.map((a, i) => ({
            state: { f: flow.id, s, l, r, a, t: ids[(i + 1) % ids.length] ?? '' },
            notice,
          })),
        ),
      ),
    ),
  );

  it('renders exactly what the SDK builder renders, for every step, language, retry and call', () => {
    expect(cases.length).toBeGreaterThan(100);
    for (const { state, notice } of cases) {
      expect(renderStep(flow, state, notice)).toBe(buildStep(flow, state, notice));
    }
  });

  it("puts each call's own agent and ticket in the URLs, never a previous call's", () => {
    const first = renderStep(flow, { f: flow.id, s: 'solved', l: 'en', r: 0, a: 'a-1', t: 'T-1' });
    const second = renderStep(flow, { f: flow.id, s: 'solved', l: 'en', r: 0, a: 'a-2', t: 'T-2' });
    expect(first).toContain('a=a-1&amp;t=T-1');
    expect(second).toContain('a=a-2&amp;t=T-2');
    expect(second).not.toContain('T-1');
  });

  it('still renders a prompt that contains a placeholder word literally', () => {
    const f = clone();
    (f.steps.solved as Record<string, unknown>).prompt = {
      ar: { say: 'اضغط 1.' },
      en: { say: 'Press *agent* or *ticket*.' },
      ...residents,
    };
    const loaded = loadFlow(f);
    const state: CallState = { f: loaded.id, s: 'solved', l: 'en', r: 0, a: 'a-9', t: 'T-9' };
    const xml = renderStep(loaded, state);
    expect(xml).toBe(buildStep(loaded, state, undefined));
    expect(xml).toContain('Press *agent* or *ticket*.');
    expect(xml).toContain('a=a-9&amp;t=T-9');
  });
});
