import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 23, finding 9: every automatic answer outside a conversation (HELP, START, STOP's
// confirmation, "nothing open") is capped per number and day, and a follow-up that is only scheduled
// is not called expired.
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    // Follow-ups wait a day before they are sent, so a closed ticket's follow-up stays scheduled.
    env: { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '24', AUTO_REPLIES_PER_DAY: '3' },
  });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

const scheduled = async (ref: string, phone: string, language: 'ar' | 'en' = 'ar') => {
  await ticketEvent(sys, token, ref, 'closed', { phone, language });
  await eventually(
    async () =>
      (await sys.ctx.models.FollowUp.findOne({ ticketRef: ref, state: 'scheduled' }).lean()) ?? undefined,
    { what: `${ref} scheduled` },
  );
};
const optedOut = async (phone: string) => (await sys.ctx.models.OptOut.findById(phone).lean())?.optedOut;

describe('automatic answers', () => {
  it('tell a number whose follow-up is only scheduled that it will be asked, in its language', async () => {
    await scheduled('AR-1', '+966500000901');
    const [ar] = await reply(sys, '+966500000901', 'مرحبا');
    expect(ar).toBe('شكرا لتواصلك. سنرسل لك قريبا سؤالا عن الطلب AR-1.');
    await scheduled('EN-1', '+966500000902', 'en');
    expect(await reply(sys, '+966500000902', 'hello?')).toEqual([
      'Thank you for your message. We will ask you about request EN-1 soon.',
    ]);
  });

  it('do not tell a number whose follow-up was cancelled before it was sent that a survey ended', async () => {
    const phone = '+966500000907';
    await scheduled('RE-1', phone);
    await ticketEvent(sys, token, 'RE-1', 'reopened', { phone });
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'RE-1', state: 'cancelled' }).lean()) ??
        undefined,
      { what: 'RE-1 cancelled' },
    );
    expect(await reply(sys, phone, 'مرحبا')).toEqual(['شكرا لتواصلك. لا يوجد استبيان مفتوح لهذا الرقم.']);
  });

  it('stop at the daily cap for HELP, START and any text, while STOP and START are still recorded', async () => {
    const phone = '+966500000903';
    await scheduled('CAP-1', phone, 'en');
    // Three answers a day (the cap set above): the scheduled text, HELP, then START's.
    expect(await reply(sys, phone, 'hi')).toEqual([
      'Thank you for your message. We will ask you about request CAP-1 soon.',
    ]);
    expect(await reply(sys, phone, 'HELP')).toEqual([expect.stringMatching(/^Satisfaction survey/)]);
    expect(await reply(sys, phone, 'START')).toEqual([
      'Rating messages are on again. Reply STOP to stop them.',
    ]);
    // Over the cap: nothing is sent back, but every message is still handled.
    expect(await reply(sys, phone, 'HELP')).toEqual([]);
    expect(await reply(sys, phone, 'START')).toEqual([]);
    expect(await reply(sys, phone, 'anyone there?')).toEqual([]);
    expect(await reply(sys, phone, 'STOP')).toEqual([]);
    expect(await optedOut(phone)).toBe(true);
    expect(await sys.ctx.models.FollowUp.findOne({ ticketRef: 'CAP-1' }).lean()).toMatchObject({
      state: 'opted_out',
    });
    expect(await reply(sys, phone, 'START')).toEqual([]);
    expect(await optedOut(phone)).toBe(false);
    expect(await reply(sys, phone, 'STOP')).toEqual([]);
    expect(await optedOut(phone)).toBe(true);
    expect((sys.ctx.sandbox?.listMessages({ to: phone }) ?? []).length).toBe(3);
    // The counter is keyed by a hash: nothing in Redis names the number.
    expect(await sys.ctx.redis.keys(`*${phone}*`)).toEqual([]);
    expect(await sys.ctx.redis.keys(`*${phone.slice(1)}*`)).toEqual([]);
  });

  it('count per number: another number is answered as before', async () => {
    const phone = '+966500000904';
    for (let i = 0; i < 3; i++)
      expect(await reply(sys, phone, 'HELP')).toEqual([expect.stringMatching(/^استبيان رضا/)]);
    expect(await reply(sys, phone, 'HELP')).toEqual([]);
    expect(await reply(sys, '+966500000905', 'HELP')).toHaveLength(1);
  });

  it('stop STOP/START pairs from an unknown number at the cap, recording each choice', async () => {
    const phone = '+966500000906';
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push((await reply(sys, phone, 'STOP')).length);
      expect(await optedOut(phone)).toBe(true);
      answers.push((await reply(sys, phone, 'START')).length);
      expect(await optedOut(phone)).toBe(false);
    }
    expect(answers).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
  });
});
