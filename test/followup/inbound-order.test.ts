import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { createWorkerConnection } from '../../src/queue/connection.js';
import { FAST_FOLLOWUP_ENV, postInbound, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * A citizen's messages apply in the order the webhook received them, whichever worker gets each
 * first: a job retried after a transient failure, or simply picked up later, is not overtaken.
 */

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys?.stop();
});

function inboundWorkerOf(s: TestSystem): Worker {
  const worker = s.workers?.workers.find((w) => w.name === INBOUND_QUEUE);
  if (!worker) throw new Error('no inbound worker');
  return worker;
}

/** A follow-up the citizen has answered "not solved": it asks for a rating, then a reason. */
async function askingRating(s: TestSystem, ref: string, phone: string): Promise<void> {
  await ticketEvent(s, token, ref, 'closed', { phone, language: 'en' });
  await waitForMessages(s, phone, 1);
  await reply(s, phone, '2');
  expect(await s.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean()).toMatchObject({
    solved: false,
    state: 'awaiting_rating',
  });
}

async function stateOf(s: TestSystem, sid: string): Promise<string> {
  return s.ctx.queues.get(INBOUND_QUEUE).getJobState(inboundJobId(sid));
}

async function handled(s: TestSystem, sid: string): Promise<void> {
  await eventually(
    async () => {
      const state = await stateOf(s, sid);
      if (state === 'failed') throw new Error(`inbound ${sid} failed`);
      return state === 'completed' ? true : undefined;
    },
    { what: `inbound ${sid} handled` },
  );
}

/**
 * Takes the next inbound job as a worker of its own would, and holds it: the job is active, its
 * first attempt not over, while the system's worker runs whatever comes after it.
 */
async function holdNextJob(s: TestSystem): Promise<{ job: Job; token: string; close(): Promise<void> }> {
  const connection = createWorkerConnection(s.services.redisUrl);
  const worker = new Worker(INBOUND_QUEUE, null, {
    connection,
    prefix: s.ctx.config.queuePrefix,
    autorun: false,
  });
  const held = 'held-by-the-test';
  const job = (await worker.getNextJob(held)) as Job | undefined;
  if (!job) throw new Error('no inbound job to hold');
  return {
    job,
    token: held,
    close: async () => {
      await worker.close();
      await connection.quit();
    },
  };
}

describe('a number’s replies apply in the order received', () => {
  it('a reply whose first attempt fails transiently is not overtaken by the next one', async () => {
    const phone = '+966500000801';
    await askingRating(sys, 'IO-1', phone);
    const worker = inboundWorkerOf(sys);
    await worker.pause();
    const first = await postInbound(sys, phone, '2');
    const held = await holdNextJob(sys);
    try {
      expect(held.job.id).toBe(inboundJobId(first.sid));
      const second = await postInbound(sys, phone, '4 nobody came, call me please');
      expect([first.res.status, second.res.status]).toEqual([200, 200]);
      await worker.resume();
      // The second reply is either applied (out of order) or put off until the first is decided.
      await eventually(
        async () => (['completed', 'delayed'].includes(await stateOf(sys, second.sid)) ? true : undefined),
        { what: 'the second reply picked up' },
      );
      // The first attempt of the first reply fails (MongoDB went away): it is retried shortly.
      await held.job.moveToFailed(new Error('connection to MongoDB lost'), held.token);
      await handled(sys, first.sid);
      await handled(sys, second.sid);
      // Waiting its turn spent none of its retries: its one attempt is the one that applied it.
      const job = await sys.ctx.queues.get(INBOUND_QUEUE).getJob(inboundJobId(second.sid));
      expect(job?.attemptsMade).toBe(1);
    } finally {
      await held.close();
    }
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'IO-1' }).lean();
    expect(f).toMatchObject({
      state: 'completed',
      solved: false,
      rating: 2,
      reason: 'other',
      comment: '4 nobody came, call me please',
    });
  });

  it('a reply whose predecessor failed for good is applied without waiting for it', async () => {
    const phone = '+966500000802';
    await askingRating(sys, 'IO-2', phone);
    const worker = inboundWorkerOf(sys);
    await worker.pause();
    const first = await postInbound(sys, phone, '3');
    const held = await holdNextJob(sys);
    try {
      const second = await postInbound(sys, phone, '3');
      await worker.resume();
      await eventually(
        async () => (['completed', 'delayed'].includes(await stateOf(sys, second.sid)) ? true : undefined),
        { what: 'the second reply picked up' },
      );
      await held.job.moveToFailed(new UnrecoverableError('cannot be handled'), held.token);
      expect(await stateOf(sys, first.sid)).toBe('failed');
      // Well before the wait's bound (a minute by default): the failed job is no longer waited for.
      await handled(sys, second.sid);
    } finally {
      await held.close();
    }
    expect(await sys.ctx.models.FollowUp.findOne({ ticketRef: 'IO-2' }).lean()).toMatchObject({
      state: 'awaiting_reason',
      rating: 3,
    });
  });

  it('Twilio’s retry of a message counts once and holds nothing up', async () => {
    const phone = '+966500000803';
    await askingRating(sys, 'IO-3', phone);
    const sid = `SM${'d'.repeat(32)}`;
    // Delivered twice at once, then again once handled (Twilio retries a webhook it timed out on).
    const [a, b] = await Promise.all([
      postInbound(sys, phone, '4', { sid }),
      postInbound(sys, phone, '4', { sid }),
    ]);
    expect([a.res.status, b.res.status]).toEqual([200, 200]);
    await handled(sys, sid);
    expect((await postInbound(sys, phone, '4', { sid })).res.status).toBe(200);
    expect(await reply(sys, phone, '1')).toHaveLength(1);
    expect(await sys.ctx.models.FollowUp.findOne({ ticketRef: 'IO-3' }).lean()).toMatchObject({
      state: 'completed',
      rating: 4,
      reason: 'no_contact',
    });
    expect(await sys.ctx.models.FollowUpMessage.countDocuments({ sid })).toBe(1);
    // Nothing in Redis names the number.
    const keys = await sys.ctx.redis.keys(`${sys.ctx.config.queuePrefix}:*`);
    expect(keys.filter((k) => k.includes('500000803'))).toEqual([]);
  });
});

describe('a reply whose predecessor vanished', () => {
  let other: TestSystem;
  beforeAll(async () => {
    other = await startTestSystem({
      workers: true,
      env: { ...FAST_FOLLOWUP_ENV, INBOUND_ORDER_MAX_WAIT_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await other?.stop();
  });

  it('is applied once it has waited its bound', async () => {
    const phone = '+966500000804';
    await ticketEvent(other, await other.token('ticket_system'), 'IO-4', 'closed', {
      phone,
      language: 'en',
    });
    await waitForMessages(other, phone, 1);
    const worker = inboundWorkerOf(other);
    await worker.pause();
    const first = await postInbound(other, phone, '2');
    const second = await postInbound(other, phone, '1');
    // Removed from the queue before any worker saw it (by hand, or its queueing half failed).
    await other.ctx.queues.get(INBOUND_QUEUE).remove(inboundJobId(first.sid));
    await worker.resume();
    await handled(other, second.sid);
    expect(await other.ctx.models.FollowUp.findOne({ ticketRef: 'IO-4' }).lean()).toMatchObject({
      solved: true,
    });
  });
});
