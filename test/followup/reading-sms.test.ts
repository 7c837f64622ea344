import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 27, items 1 and 3: through the real SMS path (sandbox Twilio, queued inbound, real workers).
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { ...FAST_FOLLOWUP_ENV, METRICS_CACHE_SECONDS: '0' } });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

const followUp = (ref: string) => sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean();

async function scrape(): Promise<string> {
  const res = await fetch(`${sys.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample, matched by its name and every label given (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('replies that do not answer', () => {
  it('get one clarifying question with the digits to press, then are kept as a comment, never as "not solved"', async () => {
    const phone = '+966500002701';
    await ticketEvent(sys, token, 'R-2701', 'closed', { phone, language: 'en' });
    await waitForMessages(sys, phone, 1);
    const before = await scrape();
    const counted = (outcome: string) =>
      sample(before, 'verisat_reply_readings_total', { question: 'solved', outcome });

    expect(await reply(sys, phone, "I don't remember")).toEqual([
      'Sorry, we did not understand. Reply 1 if the problem was solved or 2 if not.',
    ]);
    expect(await followUp('R-2701')).toMatchObject({ state: 'awaiting_solved', clarificationsSent: 1 });
    expect((await followUp('R-2701'))?.outcome).toBeUndefined();

    // The second unclear reply to the same question is stored as the citizen's words, not as an answer.
    expect(await reply(sys, phone, 'no idea which request')).toEqual([
      'Thank you, we noted your comment. To answer, reply with the number only.',
    ]);
    const kept = await followUp('R-2701');
    expect(kept).toMatchObject({
      state: 'awaiting_solved',
      clarificationsSent: 2,
      comment: 'no idea which request',
    });
    expect(kept?.solved).toBeUndefined();
    expect(kept?.outcome).toBeUndefined();
    // A third is kept too, without another automatic answer.
    expect(await reply(sys, phone, 'who is this?')).toEqual([]);
    expect((await followUp('R-2701'))?.outcome).toBeUndefined();
    expect(
      await sys.ctx.models.VerifiedScore.countDocuments({ ticketRef: 'R-2701', outcome: 'disputed' }),
    ).toBe(0);

    // A reply that says it is still read as said.
    expect(await reply(sys, phone, 'No, still broken')).toEqual([
      'Thank you. Rate the service from 1 (very poor) to 5 (excellent).',
    ]);
    expect(await followUp('R-2701')).toMatchObject({ solved: false, outcome: 'disputed' });

    // The share of each reading is in the metrics.
    const after = await eventually(async () => {
      const t = await scrape();
      return sample(t, 'verisat_reply_readings_total', { question: 'solved', outcome: 'not_solved' }) >
        counted('not_solved')
        ? t
        : undefined;
    });
    const grew = (outcome: string) =>
      sample(after, 'verisat_reply_readings_total', { question: 'solved', outcome }) - counted(outcome);
    expect({
      clarified: grew('clarified'),
      unclear: grew('unclear'),
      not_solved: grew('not_solved'),
    }).toEqual({
      clarified: 1,
      unclear: 2,
      not_solved: 1,
    });
  });

  it('in Arabic: "لا اذكر" is asked again in Arabic, and "ما اتذكر" after it disputes nothing', async () => {
    const phone = '+966500002702';
    await ticketEvent(sys, token, 'R-2702', 'closed', { phone });
    await waitForMessages(sys, phone, 1);
    expect(await reply(sys, phone, 'لا اذكر')).toEqual([
      'عذرا، لم نفهم الرد. أرسل 1 إذا حلت المشكلة أو 2 إذا لم تحل.',
    ]);
    expect(await reply(sys, phone, 'ما اتذكر والله')).toEqual([
      'شكرا، سجلنا ملاحظتك. للإجابة أرسل الرقم فقط.',
    ]);
    const f = await followUp('R-2702');
    expect(f).toMatchObject({ state: 'awaiting_solved', comment: 'ما اتذكر والله' });
    expect(f?.outcome).toBeUndefined();
  });
});

describe('switching language by name', () => {
  it('stores the language and asks the current question again in it: Arabic, then English, then Arabic', async () => {
    const phone = '+966500002703';
    await ticketEvent(sys, token, 'R-2703', 'closed', { phone });
    const [first] = await waitForMessages(sys, phone, 1);
    expect(first?.body).toContain('هل حلت مشكلة طلبك');

    expect(await reply(sys, phone, 'English')).toEqual(['Was your problem solved? Reply 1 yes or 2 no.']);
    expect(await followUp('R-2703')).toMatchObject({
      language: 'en',
      state: 'awaiting_solved',
      clarificationsSent: 0,
    });
    expect(await reply(sys, phone, '1')).toEqual([
      'Thank you. Rate the service from 1 (very poor) to 5 (excellent).',
    ]);
    expect(await reply(sys, phone, 'عربي')).toEqual(['شكرا. قيم الخدمة من 1 (سيئة جدا) إلى 5 (ممتازة).']);
    expect(await followUp('R-2703')).toMatchObject({
      language: 'ar',
      state: 'awaiting_rating',
      solved: true,
    });
    expect(await reply(sys, phone, '٥')).toEqual(['شكرا لك، تم تسجيل تقييمك.']);
    expect(await followUp('R-2703')).toMatchObject({ language: 'ar', state: 'completed', rating: 5 });
    const metrics = await scrape();
    expect(
      sample(metrics, 'verisat_reply_readings_total', { question: 'solved', outcome: 'language' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'verisat_reply_readings_total', { question: 'rating', outcome: 'language' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
