import { expect } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import {
  FOLLOWUP_QUEUE,
  followUpJobId,
  type FollowUpJob,
  type FollowUpJobKind,
} from '../../src/followup/queue.js';
import type { TestSystem } from './system.js';
import { eventually } from './system.js';

export const FAST_FOLLOWUP_ENV = {
  FOLLOWUP_DELAY_HOURS: '0',
  SEND_WINDOW: '00:00-24:00',
  SEND_DAYS: 'all',
  RETRY_BASE_MS: '50',
  DISPUTE_RETRY_BASE_MS: '50',
  // The dispute goes at "not solved", as before its grace existed (dispute-webhook-answers.test.ts tests it).
  DISPUTE_WEBHOOK_GRACE_SECONDS: '0',
  SMS_RATE_PER_SECOND: '1000',
};

let seq = 0;

export async function ticketEvent(
  sys: TestSystem,
  token: string,
  ref: string,
  type: 'opened' | 'closed' | 'reopened',
  opts: { at?: string; phone?: string; language?: string; agency?: string; eventId?: string } = {},
): Promise<Response> {
  seq += 1;
  const res = await sys.api(`/api/tickets/${ref}/events`, {
    token,
    // Applied before the answer, so a test sees the follow-up it scheduled (a worker would do it soon).
    headers: { prefer: 'return=representation' },
    body: {
      eventId: opts.eventId ?? `ev-${ref}-${type}-${seq}`,
      type,
      at: opts.at ?? new Date().toISOString(),
      agency: opts.agency ?? 'momrah',
      department: 'roads',
      agentId: 'agent-42',
      citizenPhone: opts.phone ?? '+966501234567',
      language: opts.language ?? 'ar',
    },
  });
  if (res.status >= 300 && res.status !== 200)
    throw new Error(`ticket event failed: ${res.status} ${await res.text()}`);
  return res;
}

/** Sids of the answers the system sent to inbound messages, which `messagesTo` leaves out. */
const replySids = new Set<string>();

/** What the system sent a number on its own (follow-ups and reminders), not its answers to replies. */
export function messagesTo(sys: TestSystem, phone: string) {
  return (sys.ctx.sandbox?.listMessages({ to: phone }) ?? []).filter((m) => !replySids.has(m.sid));
}

/**
 * Waits until the stand-in has `count` messages for the number and the worker has recorded its
 * sends (a citizen replies seconds after delivery, not in the millisecond before the worker writes),
 * and returns the messages oldest first.
 */
export async function waitForMessages(
  sys: TestSystem,
  phone: string,
  count: number,
  within: 'state' | 'bulk' = 'state',
) {
  return eventually(
    async () => {
      const list = messagesTo(sys, phone).sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
      if (list.length < count) return undefined;
      const recording = await sys.ctx.models.FollowUp.countDocuments({
        citizenPhone: phone,
        state: 'sending',
      });
      return recording === 0 ? list : undefined;
    },
    { within, what: `${count} message(s)` },
  );
}

/** Posts an inbound SMS the way Twilio does (signed form), with a fresh MessageSid unless one is given. */
export async function postInbound(
  sys: TestSystem,
  from: string,
  body: string,
  opts: { sid?: string; extra?: Record<string, string> } = {},
): Promise<{ sid: string; res: Response }> {
  seq += 1;
  const sid = opts.sid ?? `SM${seq.toString(16).padStart(8, '0')}${'f'.repeat(24)}`;
  const res = await sys.postTwilio('/sms/inbound', {
    MessageSid: sid,
    AccountSid: sys.ctx.config.twilio.accountSid,
    From: from,
    To: '+966920000000',
    Body: body,
    NumMedia: '0',
    ...opts.extra,
  });
  return { sid, res };
}

/**
 * Sends an inbound SMS the way Twilio does, waits until a worker has handled it, and returns the
 * texts the system sent back (checked against what the stand-in received for the number).
 */
export async function reply(
  sys: TestSystem,
  from: string,
  body: string,
  extra: Record<string, string> = {},
): Promise<string[]> {
  const { sid, res } = await postInbound(sys, from, body, { extra });
  if (res.status !== 200) throw new Error(`inbound answered ${res.status}: ${await res.text()}`);
  // Twilio must get its answer at once: empty TwiML, the replies follow through the API.
  expect(await res.text()).not.toContain('<Message>');
  const queue = sys.ctx.queues.get(INBOUND_QUEUE);
  const handled = await eventually(
    async () => {
      // State first, then the job: a job read while still active has no return value yet.
      const state = await queue.getJobState(inboundJobId(sid));
      if (state !== 'completed' && state !== 'failed') return undefined;
      const job = await queue.getJob(inboundJobId(sid));
      if (state === 'failed') throw new Error(`inbound ${sid} failed: ${job?.failedReason}`);
      return job?.returnvalue as { replies: string[]; replySids: string[] };
    },
    { what: `inbound ${sid} handled` },
  );
  const sent = sys.ctx.sandbox?.listMessages({ to: from }) ?? [];
  for (const [i, replySid] of handled.replySids.entries()) {
    replySids.add(replySid);
    expect(sent.find((m) => m.sid === replySid)?.body).toBe(handled.replies[i]);
  }
  return handled.replies;
}

/** A follow-up job as the queue holds it: its data, its state, and when it comes due. */
export async function followUpJobOf(
  sys: Pick<TestSystem, 'ctx'>,
  kind: FollowUpJobKind,
  ref: string,
  closureNumber: number,
) {
  const job = await sys.ctx.queues
    .get<FollowUpJob>(FOLLOWUP_QUEUE)
    .getJob(followUpJobId(kind, ref, closureNumber));
  if (!job) return undefined;
  return { data: job.data, state: await job.getState(), delay: job.delay, dueAt: job.timestamp + job.delay };
}

/**
 * Expects a job added between `before` and `after` (Date.now() around the call that added it) to
 * come due at `runAt`. Its delay is worked out from the clock just before it is queued, so it is due
 * at `runAt` exactly, later only by the moments between the two, inside that window; a `runAt`
 * already past is due at once (no delay).
 */
export function expectDueAt(
  job: { delay: number; dueAt: number } | undefined,
  runAt: Date | number,
  window: { before: number; after: number },
): void {
  const at = typeof runAt === 'number' ? runAt : runAt.getTime();
  expect(job, 'the job').toBeDefined();
  if (!job) return;
  if (at <= window.before) {
    expect(job.delay, 'a job whose time has passed is due at once').toBe(0);
    return;
  }
  if (at < window.after) throw new Error('runAt falls inside the window: give the job a time clear of it');
  expect(job.dueAt).toBeGreaterThanOrEqual(at);
  expect(job.dueAt - at).toBeLessThanOrEqual(window.after - window.before);
}
