import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import type { TwilioSandbox } from '../../src/twilio/stand-in/api.js';
import { SANDBOX_TEMPLATES } from '../../src/config/twilio.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * WhatsApp with buttons, the outbound verification call and the channel order, each driven through
 * the real SDK against the stand-in and answered by signed webhooks, as Twilio would post them.
 */

let sys: TestSystem;
let token: string;
let sandbox: TwilioSandbox;
const SERVICE = 'whatsapp:+966920000000';

beforeAll(async () => {
  // Long channel waits: a move to the next channel in these tests comes from a failure, or is run now.
  sys = await startTestSystem({ workers: true, env: { ...FAST_FOLLOWUP_ENV, CHANNEL_WAIT_HOURS: '24' } });
  token = await sys.token('ticket_system');
  if (!sys.ctx.sandbox) throw new Error('the stand-in is not running');
  sandbox = sys.ctx.sandbox;
});
afterAll(async () => {
  await sys.stop();
});

async function agency(code: string, channels: string[], extra: Record<string, unknown> = {}) {
  await sys.ctx.models.Agency.create({
    code,
    name: { ar: `جهة ${code}`, en: `Agency ${code}` },
    channels,
    ...extra,
  });
}

const followUp = (ref: string) =>
  sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean<FollowUpDoc>() as Promise<FollowUpDoc>;
const score = (ref: string) => sys.ctx.models.VerifiedScore.findOne({ ticketRef: ref }).lean();

function whatsappTo(phone: string) {
  return sandbox
    .listMessages({ to: `whatsapp:${phone}` })
    .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  return eventually(async () => check(), { what });
}

/** A citizen's WhatsApp message or tap through the stand-in, waited for until a worker handled it. */
async function whatsapp(
  phone: string,
  input: { body?: string; buttonPayload?: string; buttonText?: string },
) {
  const { sid, status } = await sandbox.receive(
    { from: `whatsapp:${phone}`, to: SERVICE, profileName: 'Citizen', ...input },
    `${sys.ctx.config.publicBaseUrl}/sms/inbound`,
  );
  expect(status).toBe(200);
  const queue = sys.ctx.queues.get(INBOUND_QUEUE);
  return waitFor(`inbound ${sid} handled`, async () => {
    const state = await queue.getJobState(inboundJobId(sid));
    if (state === 'failed') throw new Error(`inbound ${sid} failed`);
    if (state !== 'completed') return undefined;
    return (await queue.getJob(inboundJobId(sid)))?.returnvalue as { replies: string[] };
  });
}

async function ringing(phone: string) {
  return waitFor(`a call to ${phone}`, () =>
    sandbox.calls.list({ to: phone }).find((c) => c.status === 'ringing'),
  );
}

describe('WhatsApp', () => {
  it('sends the approved template with buttons; a tap, a rating and a reason complete the follow-up', async () => {
    await agency('wa1', ['whatsapp']);
    const phone = '+966500001001';
    await ticketEvent(sys, token, 'W-1', 'closed', { phone, agency: 'wa1' });
    const [template] = await waitFor('the template', () => {
      const list = whatsappTo(phone);
      return list.length > 0 ? list : undefined;
    });
    expect(template?.contentSid).toBe(SANDBOX_TEMPLATES.followUp.ar);
    expect(template?.buttons.map((b) => b.id)).toEqual(['solved', 'not_solved']);
    expect(template?.body).toContain('W-1');
    expect(template?.body).toContain('جهة wa1');
    expect(template?.body).toMatch(/\/f\/[A-Za-z0-9_-]{32}/);
    await waitFor('delivered', async () =>
      (await followUp('W-1')).state === 'awaiting_solved' ? true : undefined,
    );

    const tap = await whatsapp(phone, { buttonPayload: 'not_solved', buttonText: 'لا، لم تُحل' });
    expect(tap.replies).toEqual([expect.stringContaining('قيم الخدمة')]);
    // The dispute goes out with the tap: the citizen has said the closure is false.
    expect((await followUp('W-1')).outcome).toBe('disputed');
    expect((await whatsapp(phone, { body: '٤' })).replies).toEqual([expect.stringMatching(/1/)]);
    expect((await whatsapp(phone, { body: 'no one called me' })).replies).toHaveLength(1);

    const done = await followUp('W-1');
    expect(done).toMatchObject({
      state: 'completed',
      solved: false,
      rating: 4,
      reason: 'no_contact',
      channel: 'whatsapp',
    });
    expect(done.attempts?.map((a) => a.channel)).toEqual(['whatsapp']);
    expect(await score('W-1')).toMatchObject({ outcome: 'disputed', channel: 'whatsapp', rating: 4 });
    // The session replies went as free text, inside the window the tap opened.
    const sent = whatsappTo(phone);
    expect(sent.filter((m) => m.contentSid === null).every((m) => m.status !== 'failed')).toBe(true);
  });

  it('an unknown button is read as unclear text, and a late tap after the end gets a polite reply', async () => {
    await agency('wa2', ['whatsapp']);
    const phone = '+966500001002';
    await ticketEvent(sys, token, 'W-2', 'closed', { phone, agency: 'wa2' });
    await waitFor('sent', async () =>
      (await followUp('W-2')).state === 'awaiting_solved' ? true : undefined,
    );
    const odd = await whatsapp(phone, { buttonPayload: 'maybe_later', buttonText: 'Later' });
    expect(odd.replies).toHaveLength(1);
    expect((await followUp('W-2')).state).toBe('awaiting_solved');
    await whatsapp(phone, { buttonPayload: 'solved', buttonText: 'نعم، حُلّت' });
    await whatsapp(phone, { body: '5' });
    expect((await followUp('W-2')).outcome).toBe('confirmed_solved');
    const late = await whatsapp(phone, { buttonPayload: 'not_solved', buttonText: 'لا' });
    expect(late.replies).toEqual([expect.stringContaining('W-2')]);
    expect(await followUp('W-2')).toMatchObject({ outcome: 'confirmed_solved', rating: 5 });
  });

  it('a reply sent after the 24-hour window (63016) is replaced by the answer link as a template', async () => {
    await agency('wa3', ['whatsapp']);
    const phone = '+966500001003';
    await ticketEvent(sys, token, 'W-3', 'closed', { phone, agency: 'wa3' });
    await waitFor('sent', async () =>
      (await followUp('W-3')).state === 'awaiting_solved' ? true : undefined,
    );
    await whatsapp(phone, { buttonPayload: 'not_solved', buttonText: 'لا' });
    // The citizen's rating waits in the queue a day (workers stopped), so the reply to it leaves
    // after the window its message opened has closed.
    const inbound = sys.workers?.workers.find((w) => w.name === INBOUND_QUEUE);
    if (!inbound) throw new Error('no inbound worker');
    await inbound.pause();
    const { sid } = await sandbox.receive(
      { from: `whatsapp:${phone}`, to: SERVICE, body: '2' },
      `${sys.ctx.config.publicBaseUrl}/sms/inbound`,
    );
    sandbox.advanceClock(25 * 3_600_000);
    await inbound.resume();
    await waitFor('the rating applied', async () =>
      (await sys.ctx.queues.get(INBOUND_QUEUE).getJobState(inboundJobId(sid))) === 'completed'
        ? true
        : undefined,
    );
    const resume = await waitFor('the resume template', () =>
      whatsappTo(phone).find((m) => m.contentSid === SANDBOX_TEMPLATES.resume.ar),
    );
    const refused = whatsappTo(phone).find((m) => m.contentSid === null && m.errorCode === 63016);
    expect(refused?.status).toBe('failed');
    expect(resume.body).toContain('W-3');
    expect(resume.body).toMatch(/\/f\/[A-Za-z0-9_-]{32}/);
    expect(await followUp('W-3')).toMatchObject({ state: 'awaiting_reason', rating: 2 });
    // Marked with the template's sid once the send is recorded (moments after the stand-in has it).
    const stored = await waitFor('the refused reply marked', async () => {
      const m = await sys.ctx.models.FollowUpMessage.findById(refused?.sid).lean();
      return m?.resumedBy === resume.sid ? m : undefined;
    });
    expect(stored.resumedBy).toBe(resume.sid);
  });

  it("a citizen whose language has no template gets the agency's default language", async () => {
    await agency('wa4', ['whatsapp'], {
      defaultLanguage: 'ar',
      whatsappTemplates: { ar: SANDBOX_TEMPLATES.followUp.ar },
    });
    const phone = '+966500001004';
    await ticketEvent(sys, token, 'W-4', 'closed', { phone, agency: 'wa4', language: 'en' });
    const sent = await waitFor('the template', () => whatsappTo(phone)[0]);
    expect(sent.contentSid).toBe(SANDBOX_TEMPLATES.followUp.ar);
  });
});

describe('outbound verification call', () => {
  it('a person answers: the questions by keypad in Arabic, and the answers complete the follow-up', async () => {
    await agency('vc1', ['voice']);
    const phone = '+966500002001';
    await ticketEvent(sys, token, 'V-1', 'closed', { phone, agency: 'vc1' });
    const call = await ringing(phone);
    await sandbox.calls.answer(call.sid, 'human');
    expect(call.heard.join(' ')).toContain('V 1');
    expect(call.heard.join(' ')).toContain('هل حلت المشكلة فعلا');
    await sandbox.calls.press(call.sid, '2');
    await sandbox.calls.press(call.sid, '3');
    await sandbox.calls.press(call.sid, '2');
    expect(call.status).toBe('completed');
    expect(call.heard.at(-1)).toContain('لم تحل');
    const done = await waitFor('the call answers applied', async () => {
      const f = await followUp('V-1');
      return f.state === 'completed' ? f : undefined;
    });
    expect(done).toMatchObject({
      solved: false,
      rating: 3,
      reason: 'still_exists',
      outcome: 'disputed',
      channel: 'voice',
    });
    expect(done.attempts?.[0]).toMatchObject({ channel: 'voice', sid: call.sid });
    expect(await score('V-1')).toMatchObject({ outcome: 'disputed', channel: 'voice' });
    // The call's message record follows the call's own status callbacks, never staying "ringing".
    const record = await waitFor('the call record completed', async () => {
      const m = await sys.ctx.models.FollowUpMessage.findById(call.sid).lean();
      return m?.status === 'completed' ? m : undefined;
    });
    expect(record).toMatchObject({ channel: 'voice', kind: 'initial' });
    expect(record.statusHistory.map((h) => h.status)).toEqual(['completed']);
  });

  it('a machine hears a short message, records nothing, and the next channel is tried at once', async () => {
    await agency('vc2', ['voice', 'sms']);
    const phone = '+966500002002';
    await ticketEvent(sys, token, 'V-2', 'closed', { phone, agency: 'vc2' });
    const call = await ringing(phone);
    await sandbox.calls.answer(call.sid, 'machine_start');
    await waitFor('the call ended', () => (call.status === 'completed' ? true : undefined));
    expect(call.heard.at(-1)).toContain('سنرسل لك رسالة');
    const sms = await waitFor('the SMS', () => sandbox.listMessages({ to: phone })[0]);
    expect(sms.body).toContain('V-2');
    const f = await waitFor('both attempts', async () => {
      const x = await followUp('V-2');
      return x.attempts?.length === 2 ? x : undefined;
    });
    expect(f.attempts?.map((a) => [a.channel, a.result])).toEqual([
      ['voice', 'machine'],
      ['sms', expect.any(String)],
    ]);
    expect(f).toMatchObject({ state: 'awaiting_solved', channel: 'sms', channelIndex: 1 });
    expect(f.solved).toBeUndefined();
  });

  it('keys a machine "pressed" before it was detected are never recorded', async () => {
    await agency('vc4', ['voice']);
    const phone = '+966500002004';
    await ticketEvent(sys, token, 'V-4', 'closed', { phone, agency: 'vc4' });
    const call = await ringing(phone);
    await sandbox.calls.answer(call.sid, 'machine_end_beep', { detectLater: true });
    // A greeting's beep read as a key, before detection has spoken.
    await sandbox.calls.press(call.sid, '1');
    await sandbox.calls.detect(call.sid);
    const voice = sys.ctx.queues.get('voice-answers');
    // The state first, then the job: a job read before it finished would carry no return value.
    const result = await waitFor('the key job decided', async () => {
      const id = `vv-${call.sid}-solved`;
      if ((await voice.getJobState(id)) !== 'completed') return undefined;
      return (await voice.getJob(id))?.returnvalue as { stored: boolean } | undefined;
    });
    expect(result.stored).toBe(false);
    const f = await followUp('V-4');
    expect(f.solved).toBeUndefined();
    expect(f.state).toBe('awaiting_solved');
    expect(f.attempts?.[0]?.result).toBe('machine');
  });

  it('an unanswered call ends that attempt, not the follow-up: the SMS follows, and its answer counts', async () => {
    await agency('vc3', ['voice', 'sms']);
    const phone = '+966500002003';
    await ticketEvent(sys, token, 'V-3', 'closed', { phone, agency: 'vc3' });
    const call = await ringing(phone);
    // It rings for a while before Twilio gives up: the sender has recorded the call by then.
    await waitFor('recorded', async () =>
      (await followUp('V-3')).state === 'awaiting_solved' ? true : undefined,
    );
    await sandbox.calls.reject(call.sid, 'no-answer');
    await waitFor('the SMS', () => sandbox.listMessages({ to: phone })[0]);
    await waitFor('recorded', async () => ((await followUp('V-3')).channelIndex === 1 ? true : undefined));
    await reply(sys, phone, '1');
    await reply(sys, phone, '5');
    const f = await followUp('V-3');
    expect(f).toMatchObject({ outcome: 'confirmed_solved', channel: 'sms', rating: 5 });
    expect(f.attempts?.map((a) => [a.channel, a.result])).toEqual([
      ['voice', 'no-answer'],
      ['sms', expect.any(String)],
    ]);
    expect((await sys.ctx.models.FollowUpMessage.findById(call.sid).lean())?.status).toBe('no-answer');
    // A callback repeated, or one older than what is stored, moves nothing back.
    const again = await sys.postTwilio(`/voice/verify-status?fu=${String(f._id)}`, {
      CallSid: call.sid,
      CallStatus: 'ringing',
    });
    expect(again.status).toBe(204);
    expect((await sys.ctx.models.FollowUpMessage.findById(call.sid).lean())?.status).toBe('no-answer');
  });
});

describe('channel order', () => {
  it('a number without WhatsApp moves on to SMS as soon as WhatsApp says so', async () => {
    await agency('co1', ['whatsapp', 'sms']);
    const phone = '+15005550063';
    await ticketEvent(sys, token, 'O-1', 'closed', { phone, agency: 'co1' });
    const sms = await waitFor('the SMS', () => sandbox.listMessages({ to: phone })[0]);
    expect(sms.body).toContain('O-1');
    const f = await followUp('O-1');
    expect(f.unreachable).toEqual(['whatsapp']);
    expect(f.attempts?.[0]).toMatchObject({ channel: 'whatsapp', result: 'failed', errorCode: 63003 });
    expect(f.state).toBe('awaiting_solved');
  });

  it('a landline refused by SMS skips WhatsApp too and is called', async () => {
    await agency('co2', ['sms', 'whatsapp', 'voice']);
    const phone = '+15005550009';
    await ticketEvent(sys, token, 'O-2', 'closed', { phone, agency: 'co2' });
    const call = await ringing(phone);
    expect(call.to).toBe(phone);
    const f = await waitFor('recorded', async () => {
      const x = await followUp('O-2');
      return x.state === 'awaiting_solved' ? x : undefined;
    });
    expect(f.attempts?.map((a) => [a.channel, a.result])).toEqual([
      ['sms', 'failed'],
      ['voice', expect.any(String)],
    ]);
    expect(whatsappTo(phone)).toHaveLength(0);
    await sandbox.calls.reject(call.sid, 'busy');
  });

  it('a late answer on the earlier channel is taken while the follow-up is open; the call then says so', async () => {
    await agency('co3', ['sms', 'voice']);
    const phone = '+966500003003';
    await ticketEvent(sys, token, 'O-3', 'closed', { phone, agency: 'co3' });
    await waitFor('the SMS', () => sandbox.listMessages({ to: phone })[0]);
    await waitFor('recorded', async () =>
      (await followUp('O-3')).state === 'awaiting_solved' ? true : undefined,
    );
    // The SMS's wait is over: the next channel is run now instead of in a day.
    const next = await sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('next', 'O-3', 1, 1));
    await next?.promote();
    const call = await ringing(phone);
    await reply(sys, phone, 'نعم');
    await sandbox.calls.answer(call.sid, 'human');
    expect(call.heard.at(-1)).toContain('وصلتنا إجابتك');
    expect(call.status).toBe('completed');
    expect(await followUp('O-3')).toMatchObject({ solved: true, channel: 'sms', state: 'awaiting_rating' });
  });

  it('answers racing on two channels: exactly one wins and the score counts it once', async () => {
    await agency('co4', ['sms', 'whatsapp']);
    const phone = '+966500003004';
    await ticketEvent(sys, token, 'O-4', 'closed', { phone, agency: 'co4' });
    await waitFor('recorded', async () =>
      (await followUp('O-4')).state === 'awaiting_solved' ? true : undefined,
    );
    await (await sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('next', 'O-4', 1, 1)))?.promote();
    await waitFor('the template', () => whatsappTo(phone)[0]);
    await Promise.all([
      reply(sys, phone, '1'),
      whatsapp(phone, { buttonPayload: 'not_solved', buttonText: 'لا' }),
    ]);
    const f = await followUp('O-4');
    expect(['sms', 'whatsapp']).toContain(f.channel);
    expect(f.outcome).toBe(f.solved ? 'confirmed_solved' : 'disputed');
    expect(f.channel).toBe(f.solved ? 'sms' : 'whatsapp');
    // The loser is read in the step it then meets, as any reply is (test/races/many-replies): a
    // "not solved" button is no rating and is dropped, while a typed "1" after a won "not solved"
    // is the rating 1. Either way "solved?" was answered once.
    if (f.solved) {
      expect(f.state).toBe('awaiting_rating');
      expect(f.rating).toBeUndefined();
    } else expect(f).toMatchObject({ state: 'awaiting_reason', rating: 1 });
    const s = await score('O-4');
    expect(s).toMatchObject({ outcome: f.outcome, solved: f.solved });
    // Counted once in its day: one closure, one answer, whichever channel won.
    const sums = await waitFor('counted', async () => {
      const now = await sys.ctx.models.DailySum.find({ agency: 'co4' }).lean();
      return now.length > 0 ? now : undefined;
    });
    const total = (field: 'closures' | 'solvedAnswered' | 'solvedYes' | 'solvedNo') =>
      sums.reduce((n, d) => n + Number((d.all as Record<string, number> | undefined)?.[field] ?? 0), 0);
    expect(total('closures')).toBe(1);
    expect(total('solvedAnswered')).toBe(1);
    expect(total('solvedYes') + total('solvedNo')).toBe(1);
  });
});
