import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { delayedUntil, runDueWork } from '../../src/sandbox/time-travel.js';
import { FAST_FOLLOWUP_ENV, messagesTo, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, settledPast, startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  // Reminder after ~1.5 s, expiry after ~4 s: the real timers, shortened.
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, REMINDER_AFTER_HOURS: '0.0004', EXPIRE_AFTER_HOURS: '0.0011' },
  });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

const followUp = (ref: string) => sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean();
const job = (ref: string) => sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('send', ref, 1));

describe('sending', () => {
  it('does not retry a permanent error (invalid number): records the code and the outcome undeliverable', async () => {
    await ticketEvent(sys, token, 'E-1', 'closed', { phone: '+15005550001' });
    const f = await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'E-1', state: 'failed' }).lean()) ?? undefined,
    );
    expect(f).toMatchObject({ outcome: 'undeliverable', lastErrorCode: 21211 });
    // An invalid number is an outcome, not a failed job: failed jobs are kept for configuration
    // errors someone must fix. The job completes at its first attempt, saying why nothing went out.
    const done = await eventually(async () =>
      (await (await job('E-1'))?.getState()) === 'completed' ? job('E-1') : undefined,
    );
    expect(done?.returnvalue).toEqual({ outcome: 'undeliverable', code: 21211 });
    expect(done?.attemptsStarted).toBe(1);
    expect(await sys.ctx.queues.get(FOLLOWUP_QUEUE).getFailedCount()).toBe(0);
    expect(await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'E-1' }).lean()).toMatchObject({
      outcome: 'undeliverable',
    });
  });

  it('treats 21610 (recipient unsubscribed at the carrier) as an opt-out', async () => {
    await ticketEvent(sys, token, 'E-2', 'closed', { phone: '+15005550004' });
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'E-2', state: 'opted_out' }).lean()) ?? undefined,
    );
    expect(await sys.ctx.models.OptOut.findOne({ phone: '+15005550004' }).lean()).toMatchObject({
      optedOut: true,
      source: 'twilio-21610',
    });
  });

  it('retries 429 with backoff and sends exactly once when Twilio recovers', async () => {
    await ticketEvent(sys, token, 'E-3', 'closed', { phone: '+15005550429' });
    const f = await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'E-3', state: 'awaiting_solved' }).lean()) ??
        undefined,
    );
    expect(f.lastErrorCode).toBe(20429);
    const done = await eventually(async () => {
      // State first, then the job: a copy read during the last attempt has the previous count.
      if ((await (await job('E-3'))?.getState()) !== 'completed') return undefined;
      return job('E-3');
    });
    expect(done.attemptsMade).toBe(3);
    expect(messagesTo(sys, '+15005550429')).toHaveLength(1);
  });

  it('retries 5xx and records a late delivery failure from the status callback', async () => {
    await ticketEvent(sys, token, 'E-4', 'closed', { phone: '+15005550500' });
    await waitForMessages(sys, '+15005550500', 1);
    await ticketEvent(sys, token, 'E-5', 'closed', { phone: '+15005550031' });
    const [sent] = await waitForMessages(sys, '+15005550031', 1);
    const failed = await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'E-5', state: 'failed' }).lean()) ?? undefined,
    );
    expect(failed.outcome).toBe('undeliverable');
    expect(await sys.ctx.models.FollowUpMessage.findOne({ sid: sent?.sid }).lean()).toMatchObject({
      status: 'failed',
      errorCode: 30005,
    });
  });

  it('a late undelivered (30003) on the only channel ends the follow-up undeliverable, with no reminder to the failing number', async () => {
    await ticketEvent(sys, token, 'E-6', 'closed', { phone: '+15005550030' });
    const [sent] = await waitForMessages(sys, '+15005550030', 1);
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUpMessage.findOne({ sid: sent?.sid, status: 'undelivered' }).lean()) ??
        undefined,
    );
    const failed = await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'E-6', state: 'failed' }).lean()) ?? undefined,
      { what: 'the follow-up closed as undeliverable' },
    );
    expect(failed.outcome).toBe('undeliverable');
    expect(failed.attempts?.[0]).toMatchObject({ result: 'undelivered', errorCode: 30003 });
    await eventually(
      async () =>
        (await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'E-6', outcome: 'undeliverable' }).lean()) ??
        undefined,
      { what: 'the undeliverable score' },
    );
    // Once the reminder would have gone out, and the expiry after it, nothing more went to the number.
    await settledPast(sys, failed.expiresAt?.getTime() ?? Date.now());
    expect(messagesTo(sys, '+15005550030')).toHaveLength(1);
    expect((await followUp('E-6'))?.outcome).toBe('undeliverable');
  });

  it('a send that finds another worker holding the send waits for its lease, without using an attempt', async () => {
    await ticketEvent(sys, token, 'E-LEASE', 'closed', { phone: '+966500000211' });
    const [first] = await waitForMessages(sys, '+966500000211', 1);
    const f = await followUp('E-LEASE');
    if (!f) throw new Error('no follow-up');
    // As if a worker claimed the send a moment ago and is still inside its Twilio call.
    const leaseUntil = new Date(Date.now() + 60_000);
    await sys.ctx.models.FollowUp.updateOne(
      { _id: f._id },
      {
        $set: { state: 'sending', sendLeaseUntil: leaseUntil },
        $unset: { sentAt: 1 },
        $inc: { revision: 1 },
      },
    );
    const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    const dup = await queue.add(
      'send',
      { followUpId: f._id.toString(), kind: 'send', ticketRef: 'E-LEASE', closureNumber: 1 },
      {
        jobId: `${followUpJobId('send', 'E-LEASE', 1)}-dup`,
        attempts: 2,
        backoff: { type: 'fixed', delay: 50 },
      },
    );
    // Retries with backoff would spend both attempts inside the lease and fail; the job waits instead.
    const waiting = await eventually(async () => {
      const j = await queue.getJob(dup.id ?? '');
      return j && (await j.getState()) === 'delayed' && j.attemptsStarted > 0 ? j : undefined;
    });
    expect(waiting.attemptsMade).toBe(0);
    // When it runs is its score in the delayed set: moveToDelayed leaves timestamp + delay as first queued.
    expect(await delayedUntil(queue, waiting)).toBeGreaterThanOrEqual(leaseUntil.getTime());
    expect(messagesTo(sys, '+966500000211').map((m) => m.sid)).toEqual([first?.sid]);
  });

  it('sends one reminder, then expires with no_response', async () => {
    const phone = '+966500000201';
    await ticketEvent(sys, token, 'E-7', 'closed', { phone });
    const [first, reminder] = await waitForMessages(sys, phone, 2);
    expect(reminder?.body).toMatch(/^تذكير/);
    expect(reminder?.body).toContain(first?.body.slice(-32) ?? 'no-link');
    const expired = await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'E-7', state: 'expired' }).lean()) ?? undefined,
    );
    expect(expired.outcome).toBe('no_response');
    expect(messagesTo(sys, phone)).toHaveLength(2);
    // The score is written just after the follow-up, in the same closure lock.
    await eventually(
      async () =>
        (await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'E-7', outcome: 'no_response' }).lean()) ??
        undefined,
      { what: 'the no_response score' },
    );
    expect(await reply(sys, phone, '1')).toEqual(['شكرا لتواصلك. انتهت مدة الاستبيان الخاص بالطلب E-7.']);
    expect((await followUp('E-7'))?.solved).toBeUndefined();
  });

  it('an answer before the reminder cancels it', async () => {
    // The reminder an hour away, so the answer surely comes first however slow the machine; time
    // travel then runs the closure's next due work, which would be the reminder had it survived.
    const later = await startTestSystem({
      workers: true,
      env: { ...FAST_FOLLOWUP_ENV, REMINDER_AFTER_HOURS: '1', EXPIRE_AFTER_HOURS: '2' },
    });
    try {
      const phone = '+966500000202';
      await ticketEvent(later, await later.token('ticket_system'), 'E-8', 'closed', { phone });
      await waitForMessages(later, phone, 1);
      await eventually(
        async () =>
          (await later.ctx.models.FollowUp.findOne({ ticketRef: 'E-8', state: 'awaiting_solved' }).lean()) ??
          undefined,
      );
      const reminder = () => later.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('reminder', 'E-8', 1));
      expect(await (await reminder())?.getState()).toBe('delayed');
      await reply(later, phone, '1');
      // The answer removes the reminder job itself...
      expect(await reminder()).toBeUndefined();
      // ...and once the closure's next due work has run and the queues have worked it off, the
      // citizen still has only the first message.
      const { promoted } = await runDueWork(later.ctx, 'E-8');
      expect(promoted.map((j) => j.kind)).not.toContain('reminder');
      await settledPast(later, Date.now());
      expect(messagesTo(later, phone)).toHaveLength(1);
    } finally {
      await later.stop();
    }
  });

  it('sends a job queued before jobs named their closure (the worker looks the closure up)', async () => {
    // The send an hour away, so the job is replaced before it runs however slow the machine; time
    // travel then makes it due.
    const later = await startTestSystem({
      workers: true,
      env: { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '1' },
    });
    try {
      const phone = '+966500000204';
      await ticketEvent(later, await later.token('ticket_system'), 'E-10', 'closed', { phone });
      const queue = later.ctx.queues.get(FOLLOWUP_QUEUE);
      const id = followUpJobId('send', 'E-10', 1);
      const queued = await queue.getJob(id);
      expect(queued?.data).toMatchObject({ ticketRef: 'E-10', closureNumber: 1 });
      await queued?.remove();
      const f = await later.ctx.models.FollowUp.findOne({ ticketRef: 'E-10' }).lean();
      await queue.add(
        'send',
        { followUpId: f?._id.toString(), kind: 'send' },
        { jobId: id, delay: Math.max(0, (f?.sendAt.getTime() ?? 0) - Date.now()) },
      );
      expect((await runDueWork(later.ctx, 'E-10')).promoted.map((j) => j.kind)).toEqual(['send']);
      await waitForMessages(later, phone, 1);
      await eventually(
        async () =>
          (await later.ctx.models.FollowUp.findOne({ ticketRef: 'E-10', state: 'awaiting_solved' }).lean()) ??
          undefined,
      );
      expect(messagesTo(later, phone)).toHaveLength(1);
    } finally {
      await later.stop();
    }
  });

  it('a reopen before the send time sends nothing', async () => {
    // The send an hour away, so the reopen surely comes first however slow the machine.
    const later = await startTestSystem({
      workers: true,
      env: { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '1' },
    });
    try {
      const t = await later.token('ticket_system');
      const send = () => later.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('send', 'E-9', 1));
      await ticketEvent(later, t, 'E-9', 'closed', { phone: '+966500000203' });
      expect(await (await send())?.getState()).toBe('delayed');
      await ticketEvent(later, t, 'E-9', 'reopened', { phone: '+966500000203' });
      expect(await send()).toBeUndefined();
      // Time travel runs whatever the closure still has due (the send, had it survived), and once
      // the queues have worked it off, nothing went out.
      expect((await runDueWork(later.ctx, 'E-9')).promoted).toEqual([]);
      await settledPast(later, Date.now());
      expect(messagesTo(later, '+966500000203')).toHaveLength(0);
      expect(await later.ctx.models.FollowUp.findOne({ ticketRef: 'E-9' }).lean()).toMatchObject({
        state: 'cancelled',
        outcome: 'cancelled_reopened',
      });
    } finally {
      await later.stop();
    }
  });

  it('a delivery receipt that arrives before the send is recorded is applied once it is', async () => {
    await ticketEvent(sys, token, 'E-10', 'closed', { phone: '+966500000210' });
    await waitForMessages(sys, '+966500000210', 1);
    const f = await followUp('E-10');
    const score = () => sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'E-10' }).lean();
    // A second message of this follow-up whose receipt comes first: Twilio does not send it again.
    const sid = `SM${'e'.repeat(32)}`;
    const res = await sys.postTwilio('/sms/status', {
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: sys.ctx.config.twilio.accountSid,
    });
    expect(res.status).toBe(204);
    await sys.ctx.models.VerifiedScore.updateOne({ ticketRef: 'E-10' }, { $set: { delivered: false } });
    await sys.ctx.models.FollowUpMessage.create({
      _id: sid,
      followUpId: f?._id,
      direction: 'outbound',
      kind: 'initial',
      channel: 'sms',
      sid,
      status: 'queued',
      statusRank: 1,
    });
    const stored = await eventually(async () => {
      const m = await sys.ctx.models.FollowUpMessage.findById(sid).lean();
      return m?.status === 'delivered' ? m : undefined;
    });
    expect(stored.statusHistory.map((h) => h.status)).toEqual(['delivered']);
    // The score is written after the message, so it is waited for too (read at once, it raced).
    await eventually(async () => ((await score())?.delivered === true ? true : undefined), {
      what: 'the score marked delivered',
    });
  });
});
