import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CitizenLanguage } from '../../src/i18n/languages.js';
import { VOICES, voiceTexts, type VoiceTextKey } from '../../src/i18n/voice.js';
import { LANGUAGE_KEYS, OTHER_MENU_LANGUAGES } from '../../src/voice/language-menu.js';
import { VOICE_QUEUE } from '../../src/voice/persistence.js';
import { Call, type TwimlView } from '../support/voice.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { VOICE_RETRY_MS: '100' } });
  await sys.ctx.models.Agent.create({
    agentId: 'a-1',
    agency: 'momrah',
    department: 'roads',
    dialTarget: 'sip:a-1@pbx.example',
  });
});
afterAll(async () => {
  await sys.stop();
});

/** A text as a caller hears it: said in the language's Twilio voice, or its recording played. */
function heard(lang: CitizenLanguage, key: VoiceTextKey) {
  const voice = VOICES[lang];
  if (voice) return { kind: 'say', text: voiceTexts[lang][key], ...voice };
  return { kind: 'play', url: `${sys.ctx.config.publicBaseUrl}/voice/prompts/${lang}/${key}.wav` };
}

/** Every file the views play is there, as audio, for Twilio to fetch. */
async function servesAudio(...views: TwimlView[]) {
  for (const p of views.flatMap((v) => v.prompts))
    if (p.kind === 'play') {
      const res = await fetch(p.url);
      expect(res.status, p.url).toBe(200);
      expect(res.headers.get('content-type'), p.url).toMatch(/^audio\/(x-)?wav/);
      expect((await res.arrayBuffer()).byteLength, p.url).toBeGreaterThan(1000);
    }
}

const stored = (sid: string) => sys.ctx.models.PostCallRating.findOne({ callSid: sid }).lean();
const finalised = (sid: string) =>
  eventually(
    async () => {
      const r = await stored(sid);
      return r?.finalisedAt ? r : undefined;
    },
    { what: 'a finalised rating' },
  );

describe('post-call rating by keypad', () => {
  it('Arabic, transferred to the rating entry: every answer, the comment recording and the duration are stored', async () => {
    const call = new Call(sys);
    const q1 = await call.post('/voice/rating?agent=a-1&ticket=T-9');
    expect(q1.status).toBe(200);
    expect(q1.says[0]).toMatchObject({ voice: 'Polly.Zeina', language: 'arb' });
    expect(q1.says[0]?.text).toContain('قيم الموظف من 1 إلى 5');
    expect(q1.gather).toMatchObject({ numDigits: '1', finishOnKey: '', actionOnEmptyResult: 'true' });
    expect(q1.gather?.action).toBe('/voice/step?f=post-call-rating&s=agent_rating&l=ar&r=0&a=a-1&t=T-9');

    const q2 = await call.press(q1, '5');
    expect(q2.says[0]?.text).toContain('هل حلت مشكلتك');
    const q3 = await call.press(q2, '1');
    expect(q3.says[0]?.text).toContain('ملاحظة صوتية');
    const rec = await call.press(q3, '1');
    expect(rec.says[0]?.text).toContain('سيتم تسجيل ملاحظتك'); // recording is announced before it starts
    expect(rec.record).toMatchObject({ maxLength: '30', finishOnKey: '#' });
    const recordingSid = `RE${'1'.repeat(32)}`;
    const thanks = await call.post(rec.record?.action ?? '', {
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/${recordingSid}`,
      RecordingDuration: '12',
      Digits: '#',
    });
    expect(thanks.says[0]?.text).toContain('شكرا لتقييمك');
    expect(thanks.hangup).toBe(true);
    expect(
      (
        await call.post(rec.record?.recordingStatusCallback ?? '', {
          RecordingSid: recordingSid,
          RecordingUrl: `https://api.twilio.com/rec/${recordingSid}`,
          RecordingDuration: '12',
          RecordingStatus: 'completed',
        })
      ).status,
    ).toBe(204);
    await call.hangUp(48);

    const r = await finalised(call.sid);
    expect(r).toMatchObject({
      status: 'complete',
      agentRating: 5,
      solvedOnCall: true,
      language: 'ar',
      agentId: 'a-1',
      ticketRef: 'T-9',
      agency: 'momrah',
      callDurationSec: 48,
    });
    // Jobs may land in any order; each answer carries the time it was pressed.
    expect([...r.answers].sort((x, y) => x.at.getTime() - y.at.getTime()).map((a) => a.step)).toEqual([
      'agent_rating',
      'solved',
      'comment_offer',
    ]);
    await eventually(
      async () => ((await stored(call.sid))?.recording?.sid === recordingSid ? true : undefined),
      { what: 'the recording reference' },
    );
    expect((await stored(call.sid))?.recording).toMatchObject({ durationSec: 12, status: 'completed' });
  });

  it('English, from an inbound call: language choice, dial to the agent, rating after the agent hangs up', async () => {
    const call = new Call(sys);
    const menu = await call.post('/voice/incoming?agent=a-1&ticket=T-10');
    expect(menu.says.map((s) => s.text)).toEqual([
      'للعربية اضغط 1.',
      'For English, press 2.',
      'For other languages, press 9.',
    ]);
    const dial = await call.press(menu, '2');
    expect(dial.dial?.target).toBe('sip:a-1@pbx.example');
    expect(dial.says[0]).toMatchObject({ voice: 'Polly.Joanna', language: 'en-US' });
    const q1 = await call.post(dial.dial?.action ?? '', {
      DialCallStatus: 'completed',
      DialCallDuration: '95',
    });
    expect(q1.says[0]?.text).toBe('Rate the agent from 1 to 5, where 5 is excellent. Press star to repeat.');
    const q2 = await call.press(q1, '4');
    const q3 = await call.press(q2, '2');
    const end = await call.press(q3, '2');
    expect(end.says[0]?.text).toBe('Thank you for your rating. Goodbye.');
    expect(end.hangup).toBe(true);
    await call.hangUp(130);
    expect(await finalised(call.sid)).toMatchObject({
      status: 'complete',
      agentRating: 4,
      solvedOnCall: false,
      language: 'en',
    });
  });

  it.each(OTHER_MENU_LANGUAGES)(
    '%s, chosen from "other languages": connected, then the whole rating in that language and voice',
    async (lang) => {
      const call = new Call(sys);
      const others = await call.press(await call.post('/voice/incoming?agent=a-1&ticket=T-11'), '9');
      // Each language announces its key in its own words: said in its voice, or played where Twilio has none.
      expect(others.prompts).toEqual(OTHER_MENU_LANGUAGES.map((l) => heard(l, 'languageMenu')));
      expect(others.sayProblems).toEqual([]);
      const dial = await call.press(others, LANGUAGE_KEYS[lang]);
      expect(dial.dial?.target).toBe('sip:a-1@pbx.example');
      expect(dial.prompts).toEqual([heard(lang, 'connecting')]);
      const q1 = await call.post(dial.dial?.action ?? '', {
        DialCallStatus: 'completed',
        DialCallDuration: '60',
      });
      expect(q1.prompts).toEqual([heard(lang, 'rateAgent')]);
      const q2 = await call.press(q1, '4');
      expect(q2.prompts).toEqual([heard(lang, 'solvedOnCall')]);
      const q3 = await call.press(q2, '1');
      expect(q3.prompts).toEqual([heard(lang, 'commentOffer')]);
      const end = await call.press(q3, '2');
      expect(end.prompts).toEqual([heard(lang, 'thanksRating')]);
      for (const view of [q1, q2, q3, end]) expect(view.sayProblems).toEqual([]);
      await servesAudio(others, dial, q1, q2, q3, end);
      await call.hangUp(90);
      expect(await finalised(call.sid)).toMatchObject({
        status: 'complete',
        agentRating: 4,
        solvedOnCall: true,
        language: lang,
      });
    },
  );

  it('silence on the "other languages" menu asks once more, then means Arabic', async () => {
    const call = new Call(sys);
    const others = await call.press(await call.post('/voice/incoming?agent=a-1'), '9');
    const again = await call.press(others, '');
    expect(again.prompts).toEqual(others.prompts);
    const dial = await call.press(again, '9');
    expect(dial.dial?.action).toContain('lang=ar');
    expect(dial.prompts).toEqual([heard('ar', 'connecting')]);
  });

  it('silence on the language menu means Arabic', async () => {
    const call = new Call(sys);
    const dial = await call.press(await call.post('/voice/incoming?agent=a-1'), '');
    expect(dial.says[0]?.language).toBe('arb');
    expect(dial.dial?.action).toContain('lang=ar');
  });

  it.each(['busy', 'no-answer', 'failed', 'canceled'])(
    'a dial that ends %s apologises, hangs up and asks nothing',
    async (status) => {
      const call = new Call(sys);
      const after = await call.post('/voice/dial-done?agent=a-1&ticket=&lang=ar', { DialCallStatus: status });
      expect(after.gather).toBeUndefined();
      expect(after.says[0]?.text).toContain('لم نتمكن من تحويلك');
      expect(after.hangup).toBe(true);
    },
  );

  it('a wrong key gets one short notice and the question again, then a polite goodbye', async () => {
    const call = new Call(sys);
    const q1 = await call.post('/voice/rating?agent=a-1&lang=en');
    const retry = await call.press(q1, '9');
    expect(retry.says.map((s) => s.text)).toEqual([
      'That was not a valid choice.',
      'Rate the agent from 1 to 5, where 5 is excellent. Press star to repeat.',
    ]);
    expect(retry.gather?.action).toContain('r=1');
    const bye = await call.press(retry, '#');
    expect(bye.gather).toBeUndefined();
    expect(bye.says[0]?.text).toBe('Thank you for calling. Goodbye.');
    expect(bye.hangup).toBe(true);
    await call.hangUp(20);
    expect(await finalised(call.sid)).toMatchObject({ status: 'abandoned', answers: [] });
  });

  it.each([['0'], ['6'], ['#'], ['12'], ['5#'], ['abc']])('"%s" is a wrong key', async (digits) => {
    const call = new Call(sys);
    const retry = await call.press(await call.post('/voice/rating?lang=en'), digits);
    expect(retry.says[0]?.text).toBe('That was not a valid choice.');
  });

  it('silence asks once more, then says goodbye', async () => {
    const call = new Call(sys);
    const again = await call.press(await call.post('/voice/rating?lang=ar'), '');
    expect(again.says.map((s) => s.text)).toEqual([
      'لم نسمع اختيارك.',
      expect.stringContaining('قيم الموظف'),
    ]);
    const bye = await call.press(again, '');
    expect(bye.hangup).toBe(true);
    expect(bye.says[0]?.text).toBe('شكرا لاتصالك. مع السلامة.');
  });

  it('* repeats the question without using up a retry', async () => {
    const call = new Call(sys);
    const q1 = await call.post('/voice/rating?lang=en');
    const repeated = await call.press(q1, '*');
    expect(repeated.says.map((s) => s.text)).toEqual([q1.says[0]?.text]);
    expect(repeated.gather?.action).toBe(q1.gather?.action);
  });

  it.each([
    ['after the agent rating', ['3'], { status: 'partial', agentRating: 3 }],
    ['after "solved?"', ['3', '1'], { status: 'complete', agentRating: 3, solvedOnCall: true }],
    ['before any answer', [], { status: 'abandoned' }],
  ])('a hang-up %s keeps what was pressed', async (_label, keys, expected) => {
    const call = new Call(sys);
    let view = await call.post('/voice/rating?agent=a-1&lang=ar');
    for (const k of keys) view = await call.press(view, k);
    await call.hangUp(15);
    expect(await finalised(call.sid)).toMatchObject(expected);
  });

  it('a replayed webhook never counts twice', async () => {
    const call = new Call(sys);
    const q1 = await call.post('/voice/rating?agent=a-1&lang=ar');
    const first = await call.press(q1, '2');
    const replay = await call.press(q1, '2');
    expect(replay.xml).toBe(first.xml);
    await call.hangUp(10);
    const r = await finalised(call.sid);
    expect(r.answers).toHaveLength(1);
    expect(r.agentRating).toBe(2);
  });

  it('many callers answering at the same moment: every answer is stored once, for its own call', async () => {
    const calls = Array.from({ length: 25 }, () => new Call(sys));
    const firsts = await Promise.all(calls.map((c) => c.post('/voice/rating?agent=a-1&ticket=T-77')));
    const seconds = await Promise.all(calls.map((c, i) => c.press(firsts[i]!, String((i % 5) + 1))));
    expect(seconds.every((v) => v.says[0]?.text.includes('هل حلت مشكلتك'))).toBe(true);
    // A replay of the whole burst changes nothing.
    await Promise.all(calls.map((c, i) => c.press(firsts[i]!, String((i % 5) + 1))));
    await Promise.all(calls.map((c, i) => c.press(seconds[i]!, i % 2 === 0 ? '1' : '2')));
    await Promise.all(calls.map((c) => c.hangUp(20)));
    for (const [i, c] of calls.entries()) {
      // Under load the last answer's job can run after the call is finalised; it then completes it.
      const r = await eventually(
        async () => {
          const doc = await stored(c.sid);
          return doc?.finalisedAt && doc.status === 'complete' ? doc : undefined;
        },
        { what: `call ${i} complete` },
      );
      expect(r).toMatchObject({
        agentRating: (i % 5) + 1,
        solvedOnCall: i % 2 === 0,
        ticketRef: 'T-77',
        status: 'complete',
      });
      // Each answer once; jobs run concurrently, so the stored order is by arrival, not by step.
      expect(r.answers.map((a) => a.step).sort()).toEqual(['agent_rating', 'solved']);
    }
  });

  it('refuses a forged webhook with 403 and stores nothing', async () => {
    const res = await sys.postTwilio(
      '/voice/step?f=post-call-rating&s=agent_rating&l=ar&r=0&a=&t=',
      { CallSid: `CA${'9'.repeat(32)}`, Digits: '1' },
      { signature: 'AAAA' },
    );
    expect(res.status).toBe(403);
    // Rejected before anything was queued, so nothing can reach MongoDB later either.
    const queued = await sys.ctx.queues
      .get(VOICE_QUEUE)
      .getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(JSON.stringify(queued.map((j) => j.data))).not.toContain(`CA${'9'.repeat(32)}`);
    expect(await stored(`CA${'9'.repeat(32)}`)).toBeNull();
  });

  it.each([
    ['an unknown flow', '/voice/step?f=nope&s=agent_rating&l=en&r=0&a=&t='],
    ['an unknown step', '/voice/step?f=post-call-rating&s=nowhere&l=en&r=0&a=&t='],
    ['a malformed query', '/voice/step?f=post-call-rating&s=agent_rating&l=fr&r=x'],
  ])('%s gets valid TwiML that apologises and hangs up', async (_label, path) => {
    const call = new Call(sys);
    const view = await call.post(path, { Digits: '1' });
    expect(view.status).toBe(200);
    expect(view.hangup).toBe(true);
    expect(view.says[0]?.text).toMatch(/Sorry, something went wrong|عذرا، حدث خطأ/);
  });
});
