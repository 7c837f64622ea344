import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerConnection } from '../../src/queue/connection.js';
import { loadConfig } from '../../src/config/index.js';
import { FOLLOWUP_QUEUE } from '../../src/followup/queue.js';
import { reconcileFollowUps } from '../../src/followup/schedule/reconciler.js';
import { TICKET_EVENTS_QUEUE, ticketEventJobId } from '../../src/tickets/service.js';
import { ticketEventWorker } from '../../src/tickets/worker.js';
import { startRedis, type EmbeddedService } from '../../src/services/embedded.js';
import {
  expectDueAt,
  FAST_FOLLOWUP_ENV,
  followUpJobOf,
  reply,
  ticketEvent,
  waitForMessages,
} from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { DEADLINE } from '../support/time.js';

// FLUSHALL must not touch the Redis other test files share: this file gets its own.
const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-reconcile-'));
let redis: EmbeddedService;
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  redis = await startRedis({
    dataDir: dir,
    searchPath: loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath,
    persistent: false,
    startTimeoutMs: DEADLINE.process,
  });
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { FOLLOWUP_DELAY_HOURS: '72', SEND_WINDOW: '00:00-24:00' },
  });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A closure an hour ago, accepted without waiting (202): stored and queued, not applied. */
async function acceptClosure(ref: string, eventId: string, phone: string): Promise<number> {
  const res = await sys.api(`/api/tickets/${ref}/events`, {
    token,
    body: {
      eventId,
      type: 'closed',
      at: new Date(Date.now() - 3_600_000).toISOString(),
      agency: 'momrah',
      department: 'roads',
      agentId: 'agent-1',
      citizenPhone: phone,
    },
  });
  return res.status;
}

describe('reconciler', () => {
  it('re-adds every follow-up job Redis lost in a FLUSHALL, and adds nothing twice', async () => {
    // An hour ago: with the 72-hour delay the jobs wait (delayed) whatever day the test runs.
    const at = new Date(Date.now() - 3_600_000).toISOString();
    for (const ref of ['R-1', 'R-2', 'R-3']) await ticketEvent(sys, token, ref, 'closed', { at });
    const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    expect(
      await queue.getJobCounts(),
      JSON.stringify(await sys.ctx.models.FollowUp.find().lean()),
    ).toMatchObject({ delayed: 3 });

    await sys.ctx.redis.flushall();
    expect(await queue.getDelayedCount()).toBe(0);

    const before = Date.now();
    const report = await reconcileFollowUps(sys.ctx);
    const after = Date.now();
    expect(report.jobsRestored).toBe(3);
    expect(await queue.getDelayedCount()).toBe(3);
    // Each job as it was: its follow-up's, and due at the send time stored on the follow-up.
    for (const ref of ['R-1', 'R-2', 'R-3']) {
      const job = await followUpJobOf(sys, 'send', ref, 1);
      const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean();
      expect(job?.data, ref).toEqual({
        followUpId: f?._id.toString(),
        kind: 'send',
        ticketRef: ref,
        closureNumber: 1,
        agency: 'momrah',
      });
      expect(job?.state, ref).toBe('delayed');
      expectDueAt(job, f?.sendAt ?? 0, { before, after });
    }

    const again = await reconcileFollowUps(sys.ctx);
    expect(again.jobsRestored).toBe(0);
    expect(await queue.getDelayedCount()).toBe(3);
  });

  it('queues again an accepted event whose apply job was lost, and it then schedules its follow-up', async () => {
    expect(await acceptClosure('R-5', 'r5-close', '+966551110005')).toBe(202);
    await sys.ctx.redis.flushall();

    const report = await reconcileFollowUps(sys.ctx);
    expect(report.eventsRequeued).toBe(1);
    expect((await reconcileFollowUps(sys.ctx)).eventsRequeued).toBe(0);
    const job = await sys.ctx.queues.get(TICKET_EVENTS_QUEUE).getJob(ticketEventJobId('r5-close'));
    expect(job?.data).toEqual({ eventId: 'r5-close', ticketRef: 'R-5' });

    // The job is what a worker runs; run it the way the worker does.
    const before = Date.now();
    await ticketEventWorker(sys.ctx).process(job as Job);
    const after = Date.now();
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'R-5' }).lean();
    expect(f).toMatchObject({ state: 'scheduled', closureNumber: 1, citizenPhone: '+966551110005' });
    // 72 hours after the closure an hour ago, the window open all day.
    expect(f?.sendAt.getTime()).toBe((f?.closedAt.getTime() ?? 0) + 72 * 3_600_000);
    const send = await followUpJobOf(sys, 'send', 'R-5', 1);
    expect(send?.data).toEqual({
      followUpId: f?._id.toString(),
      kind: 'send',
      ticketRef: 'R-5',
      closureNumber: 1,
      agency: 'momrah',
    });
    expectDueAt(send, f?.sendAt ?? 0, { before, after });
  });

  it('starts again an accepted event whose apply job gave up', async () => {
    expect(await acceptClosure('R-6', 'r6-close', '+966551110006')).toBe(202);
    const queue = sys.ctx.queues.get(TICKET_EVENTS_QUEUE);
    const jobId = ticketEventJobId('r6-close');
    // A worker whose every attempt fails (as when the event could not be read in time).
    const failing = new Worker(
      TICKET_EVENTS_QUEUE,
      () => Promise.reject(new UnrecoverableError('simulated: event not readable')),
      {
        connection: createWorkerConnection(sys.ctx.redisUrl),
        prefix: sys.ctx.config.queuePrefix,
      },
    );
    await eventually(async () => ((await (await queue.getJob(jobId))?.isFailed()) ? true : undefined));
    await failing.close();

    expect((await reconcileFollowUps(sys.ctx)).eventsRequeued).toBe(1);
    expect(await (await queue.getJob(jobId))?.getState()).toBe('waiting');
    await ticketEventWorker(sys.ctx).process((await queue.getJob(jobId)) as Job);
    expect(await sys.ctx.models.FollowUp.findOne({ ticketRef: 'R-6' }).lean()).toMatchObject({
      state: 'scheduled',
    });
  });

  it('restores the expiry of a follow-up that was already sent', async () => {
    const live = await startTestSystem({
      redisUrl: redis.url,
      workers: true,
      env: { ...FAST_FOLLOWUP_ENV, QUEUE_PREFIX: 'rlive' },
    });
    try {
      const t = await live.token('ticket_system');
      await ticketEvent(live, t, 'R-9', 'closed', { phone: '+966551110009' });
      await waitForMessages(live, '+966551110009', 1);
      const sent = await eventually(
        async () =>
          (await live.ctx.models.FollowUp.findOne({ ticketRef: 'R-9', state: 'awaiting_solved' }).lean()) ??
          undefined,
      );
      // The sender adds the reminder and expiry jobs just after recording the send.
      await eventually(async () =>
        (await live.ctx.queues.get(FOLLOWUP_QUEUE).getDelayedCount()) === 2 ? true : undefined,
      );
      await live.ctx.redis.flushall();
      const before = Date.now();
      const report = await reconcileFollowUps(live.ctx);
      const after = Date.now();
      expect(report.jobsRestored).toBe(2);
      // The reminder and the expiry, each due when the follow-up says.
      for (const [kind, at] of [
        ['reminder', sent.reminderAt],
        ['expire', sent.expiresAt],
      ] as const) {
        expect(at, kind).toBeInstanceOf(Date);
        const job = await followUpJobOf(live, kind, 'R-9', 1);
        expect(job?.data, kind).toEqual({
          followUpId: sent._id.toString(),
          kind,
          ticketRef: 'R-9',
          closureNumber: 1,
          agency: 'momrah',
        });
        expectDueAt(job, at ?? 0, { before, after });
      }
      expect(await reply(live, '+966551110009', '1')).toHaveLength(1);
    } finally {
      await live.stop();
    }
  });
});
