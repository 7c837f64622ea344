import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { ticketEvent } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// No workers here: these tests read what was scheduled, before anything is sent.
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({
    env: { FOLLOWUP_DELAY_HOURS: '72', SEND_WINDOW: '09:00-21:00', SEND_DAYS: 'all' },
  });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

const queue = () => sys.ctx.queues.get(FOLLOWUP_QUEUE);

describe('scheduling a follow-up per closure', () => {
  it('a closure at 23:50 Riyadh time is asked at 09:00 local, three days and a night later', async () => {
    // Tomorrow in Riyadh, so the send time is always in the future and the job really waits.
    const day = DateTime.now().setZone('Asia/Riyadh').plus({ days: 1 });
    const sendAt = `${day.plus({ days: 4 }).toISODate()}T06:00:00.000Z`;
    const before = Date.now();
    await ticketEvent(sys, token, 'S-1', 'closed', { at: `${day.toISODate()}T23:50:00+03:00` });
    const after = Date.now();
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-1' }).lean();
    expect(f?.sendAt.toISOString()).toBe(sendAt);
    expect(f?.state).toBe('scheduled');
    const job = await queue().getJob(followUpJobId('send', 'S-1', 1));
    expect(job?.data).toEqual({
      followUpId: f?._id.toString(),
      kind: 'send',
      ticketRef: 'S-1',
      closureNumber: 1,
      agency: 'momrah',
    });
    expect(await job?.getState()).toBe('delayed');
    // The delay was computed when scheduling, so it ends at the send time: later only by the moments
    // between computing it and queueing the job, which both fell while the event was being applied.
    const endsAt = (job?.timestamp ?? 0) + (job?.delay ?? 0);
    expect(endsAt).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(endsAt - Date.parse(sendAt)).toBeLessThanOrEqual(after - before);
    const score = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'S-1' }).lean();
    expect(score).toMatchObject({ closureNumber: 1, agency: 'momrah', day: day.toISODate(), sent: false });
    expect(score?.outcome).toBeUndefined();
  });

  it('a replayed or repeated closed event schedules nothing new', async () => {
    const first = await ticketEvent(sys, token, 'S-2', 'closed', {
      at: '2026-11-20T10:00:00Z',
      eventId: 's2-close',
    });
    await ticketEvent(sys, token, 'S-2', 'closed', { at: '2026-11-20T10:00:00Z', eventId: 's2-close' });
    await ticketEvent(sys, token, 'S-2', 'closed', { at: '2026-11-20T11:00:00Z', eventId: 's2-close-again' });
    expect(first.status).toBe(201);
    expect(await sys.ctx.models.FollowUp.countDocuments({ ticketRef: 'S-2' })).toBe(1);
    const jobs = await queue().getJobs(['delayed', 'waiting']);
    expect(jobs.filter((j) => j.id?.startsWith('fu-send-S-2-'))).toHaveLength(1);
  });

  it('a reopen before the send cancels the job; a later closure schedules a new one', async () => {
    await ticketEvent(sys, token, 'S-3', 'closed', { at: '2026-11-20T10:00:00Z' });
    expect(await queue().getJob(followUpJobId('send', 'S-3', 1))).toBeDefined();
    await ticketEvent(sys, token, 'S-3', 'reopened', { at: '2026-11-21T10:00:00Z' });
    expect(await queue().getJob(followUpJobId('send', 'S-3', 1))).toBeUndefined();
    const cancelled = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-3', closureNumber: 1 }).lean();
    expect(cancelled).toMatchObject({ state: 'cancelled', outcome: 'cancelled_reopened' });
    expect(
      await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'S-3', closureNumber: 1 }).lean(),
    ).toMatchObject({ outcome: 'cancelled_reopened' });

    await ticketEvent(sys, token, 'S-3', 'closed', { at: '2026-11-22T10:00:00Z' });
    expect(
      await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-3', closureNumber: 2 }).lean(),
    ).toMatchObject({ state: 'scheduled' });
    expect(await queue().getJob(followUpJobId('send', 'S-3', 2))).toBeDefined();
  });

  it('a close that arrives after a later reopen never schedules a send', async () => {
    await ticketEvent(sys, token, 'S-4', 'reopened', { at: '2026-11-21T12:00:00Z' });
    await ticketEvent(sys, token, 'S-4', 'closed', { at: '2026-11-21T09:00:00Z' });
    expect(await queue().getJob(followUpJobId('send', 'S-4', 1))).toBeUndefined();
    expect(await sys.ctx.models.FollowUp.countDocuments({ ticketRef: 'S-4', state: 'scheduled' })).toBe(0);
  });
});
