import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { FAST_FOLLOWUP_ENV } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Processes } from '../races/processes.js';
import { allSent, expectFinal, expectOneMessageEach } from './outcomes.js';

/**
 * Two web processes and two worker processes on one Redis and one database, the way a deployment
 * behind a load balancer runs: tickets are reported to either web process, every status callback and
 * inbound SMS is delivered twice (to both) and out of order, and a late copy of a first answer
 * arrives after the second. Each closure is sent once, each answer counted once, each follow-up ends.
 */

const CLOSURES = 12;
let sys: TestSystem;
let procs: Processes;
let webB: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: FAST_FOLLOWUP_ENV });
  procs = new Processes(sys, { REMINDER_AFTER_HOURS: '0' });
  [webB] = await Promise.all([procs.web(), procs.worker(), procs.worker()]);
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

const phone = (i: number) => `+9665000043${String(i).padStart(2, '0')}`;
const ref = (i: number) => `PW-${i}`;
/** The control closure: answered once, no copies; what every other number must end up looking like. */
const CONTROL = CLOSURES - 1;

/** Posts as Twilio does to one web process, signed over that process's own public URL. */
function postSigned(base: string, path: string, params: Record<string, string>): Promise<Response> {
  const sig = twilio.getExpectedTwilioSignature(sys.ctx.config.twilio.authToken, `${base}${path}`, params);
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: new URLSearchParams(params).toString(),
  });
}

let seq = 0;
async function inbound(from: string, body: string, copies: string[], sid?: string): Promise<string> {
  seq += 1;
  const messageSid = sid ?? `SM${(0xabc00000 + seq).toString(16)}${'e'.repeat(24)}`;
  const params = {
    MessageSid: messageSid,
    AccountSid: sys.ctx.config.twilio.accountSid,
    From: from,
    To: '+966920000000',
    Body: body,
    NumMedia: '0',
  };
  const answers = await Promise.all(copies.map((base) => postSigned(base, '/sms/inbound', params)));
  expect(answers.map((r) => r.status)).toEqual(copies.map(() => 200));
  const queue = sys.ctx.queues.get(INBOUND_QUEUE);
  await eventually(
    async () => {
      const state = await queue.getJobState(inboundJobId(messageSid));
      if (state === 'failed') throw new Error(`inbound ${messageSid} failed`);
      return state === 'completed' ? true : undefined;
    },
    { what: `inbound ${messageSid} handled` },
  );
  return messageSid;
}

describe('two web and two worker processes, with every webhook twice and out of order', () => {
  it('send once, count each answer once, move no status backwards, and end every follow-up', async () => {
    const token = await sys.token('ticket_system');
    const webs = [sys.baseUrl, webB];
    await Promise.all(
      Array.from({ length: CLOSURES }, async (_, i) => {
        const res = await fetch(`${webs[i % 2]}/api/tickets/${ref(i)}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            eventId: `ev-pw-${i}`,
            type: 'closed',
            at: new Date().toISOString(),
            agency: 'momrah',
            department: 'roads',
            agentId: 'agent-42',
            citizenPhone: phone(i),
          }),
        });
        expect(res.status).toBe(202);
      }),
    );
    const refs = Array.from({ length: CLOSURES }, (_, i) => ref(i));
    const phones = Array.from({ length: CLOSURES }, (_, i) => phone(i));
    await allSent(sys, refs);
    await expectOneMessageEach(sys, phones);

    // The stand-in's own receipts, 20 ms apart, can arrive before the worker has recorded the send
    // (they wait in the sms-status queue for it); the copies below arrive after it.
    const initial = phones.map((p) => {
      const m = sys.ctx.sandbox?.listMessages({ to: p })[0];
      if (!m) throw new Error('a follow-up message is missing from the stand-in');
      return m;
    });
    const sids = initial.map((m) => m.sid);

    // Every status callback again, newest first and twice, to both web processes at once.
    await Promise.all(
      initial.flatMap((m) => {
        return ['delivered', 'sent', 'queued', 'delivered'].flatMap((status) =>
          webs.map((base) =>
            postSigned(base, '/sms/status', {
              AccountSid: m.accountSid,
              MessageSid: m.sid,
              MessageStatus: status,
              From: m.from,
              To: m.to,
            }),
          ),
        );
      }),
    );
    const stored = await sys.ctx.models.FollowUpMessage.find({ _id: { $in: sids } })
      .select({ status: 1 })
      .lean<{ status: string }[]>();
    expect(stored.map((m) => m.status)).toEqual(phones.map(() => 'delivered'));

    // The control citizen answers once per question; every other answer arrives at both processes.
    await inbound(phone(CONTROL), '1', [sys.baseUrl]);
    await inbound(phone(CONTROL), '5', [webB]);
    for (let i = 0; i < CONTROL; i++) {
      const first = await inbound(phone(i), '1', webs);
      await inbound(phone(i), '5', webs);
      // A late copy of the first answer, after the second was applied, changes nothing.
      await inbound(phone(i), '1', [webs[i % 2] ?? sys.baseUrl], first);
    }
    await expectFinal(sys, phones, 'confirmed_solved');
    const scores = await sys.ctx.models.VerifiedScore.find({ citizenPhone: { $in: phones } }).lean();
    expect(scores.map((s) => [s.solved, s.rating])).toEqual(phones.map(() => [true, 5]));
    const answers = await sys.ctx.models.FollowUpMessage.countDocuments({ direction: 'inbound' });
    expect(answers).toBe(CLOSURES * 2);
    // Each number got exactly what the control number got: no reply sent twice for a copy.
    const sentTo = (p: string) => sys.ctx.sandbox?.listMessages({ to: p }).length ?? 0;
    const control = sentTo(phone(CONTROL));
    expect(control).toBeGreaterThanOrEqual(2);
    expect(phones.map(sentTo)).toEqual(phones.map(() => control));
  });
});
