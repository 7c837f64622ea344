import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { FOLLOWUP_QUEUE, followUpJobId, type FollowUpJob } from '../../src/followup/queue.js';
import { FAST_FOLLOWUP_ENV, ticketEvent } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { drained, Processes } from './processes.js';

/**
 * Processes: the in-test web (closes the tickets, holds the Twilio stand-in) and two worker
 * processes that both take send jobs. Two processes are the point: the send claim must hold between
 * workers that share only Redis and MongoDB, not merely between jobs of one event loop.
 */

const CLOSURES = 30;
const REPLAYS = 6;
let sys: TestSystem;
let procs: Processes;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: FAST_FOLLOWUP_ENV });
  procs = new Processes(sys);
  await Promise.all([procs.worker(), procs.worker()]);
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

const phone = (i: number) => `+9665000053${String(i).padStart(2, '0')}`;
const ref = (i: number) => `RS-${i}`;

/**
 * A send job under another id: what a reconciler re-queue after a Redis failover, or a duplicate
 * from an operator's retry, looks like to a worker (the original id would be refused by BullMQ).
 */
async function duplicateSend(f: Pick<FollowUpDoc, '_id' | 'ticketRef' | 'closureNumber'>, tag: string) {
  const job: FollowUpJob = {
    followUpId: f._id.toString(),
    kind: 'send',
    ticketRef: f.ticketRef,
    closureNumber: f.closureNumber,
  };
  await sys.ctx.queues.get<FollowUpJob>(FOLLOWUP_QUEUE).add('send', job, {
    jobId: `${followUpJobId('send', f.ticketRef, f.closureNumber)}-${tag}`,
    attempts: 8,
    backoff: { type: 'exponential', delay: 50 },
  });
}

async function allAwaiting(what: string) {
  await eventually(
    async () => {
      const states = await sys.ctx.models.FollowUp.aggregate<{ _id: string; n: number }>([
        { $match: { ticketRef: /^RS-/ } },
        { $group: { _id: '$state', n: { $sum: 1 } } },
      ]);
      if (states.some((s) => s._id === 'awaiting_solved' && s.n === CLOSURES)) return true;
      // Thrown, so a timeout says where the closures are stuck.
      throw new Error(`follow-ups by state: ${JSON.stringify(states)}`);
    },
    { within: 'bulk', what },
  );
}

describe('two worker processes sending the same closures', () => {
  it('send each closure once, through duplicate jobs and replays of a send that looks interrupted', async () => {
    const apiToken = await sys.token('ticket_system');
    // Each closure's own job and a duplicate, queued together, so both workers take one of each.
    await Promise.all(
      Array.from({ length: CLOSURES }, async (_, i) => {
        await ticketEvent(sys, apiToken, ref(i), 'closed', { phone: phone(i) });
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref(i) }).lean<FollowUpDoc>();
        if (!f) throw new Error(`${ref(i)}: no follow-up scheduled`);
        await duplicateSend(f, 'dup');
      }),
    );
    await allAwaiting('every closure sent');

    // A worker that died after Twilio took the message and before it was recorded leaves the
    // follow-up 'sending' with a lease that runs out. Two replays at once must find the message
    // at Twilio rather than send it again.
    const replayed = await sys.ctx.models.FollowUp.find({ ticketRef: /^RS-/ })
      .limit(REPLAYS)
      .lean<FollowUpDoc[]>();
    await Promise.all(
      replayed.map(async (f) => {
        await sys.ctx.models.FollowUp.updateOne(
          { _id: f._id, state: 'awaiting_solved' },
          {
            $set: { state: 'sending', sendLeaseUntil: new Date(Date.now() - 1000) },
            $unset: { sentAt: 1 },
            $inc: { revision: 1 },
          },
        );
        await Promise.all([duplicateSend(f, 'replay-a'), duplicateSend(f, 'replay-b')]);
      }),
    );
    await allAwaiting('every replay recorded');
    const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    // Only the reminder and expiry jobs, days away, are left waiting.
    await eventually(
      async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
        return Object.values(c).every((n) => n === 0) ? true : undefined;
      },
      { within: 'bulk', what: 'send jobs done' },
    );
    await drained(sys.ctx.queues.get('ticket-events'), 'ticket events');

    const sent = sys.ctx.sandbox?.listMessages() ?? [];
    for (let i = 0; i < CLOSURES; i++) {
      const to = sent.filter((m) => m.to === phone(i));
      expect(
        to.map((m) => m.sid),
        ref(i),
      ).toHaveLength(1);
      const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref(i) }).lean<FollowUpDoc>();
      expect(f, ref(i)).toMatchObject({ state: 'awaiting_solved' });
      expect(f?.sentAt, ref(i)).toBeInstanceOf(Date);
      expect(f?.sendLeaseUntil, ref(i)).toBeUndefined();
      const initial = await sys.ctx.models.FollowUpMessage.find({
        followUpId: f?._id.toString(),
        kind: 'initial',
      }).lean();
      expect(
        initial.map((m) => m.sid),
        ref(i),
      ).toEqual(to.map((m) => m.sid));
      expect((await sys.ctx.models.VerifiedScore.findOne({ ticketRef: ref(i) }).lean())?.sent, ref(i)).toBe(
        true,
      );
    }
    // A worker that found the send taken by the other retried and then stood down; none gave up.
    const failed = await queue.getFailed(0, -1);
    expect(failed.map((j) => `${j.id}: ${j.failedReason}`)).toEqual([]);
  });
});
