import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { followUpWorker } from '../../src/followup/send/sender.js';
import { expectDueAt, followUpJobOf, ticketEvent } from '../support/followup.js';
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

/** What a send job carries: the follow-up and, for operators reading the queue, its closure and agency. */
const sendJobData = (
  f: { _id: { toString(): string } } | null,
  ticketRef: string,
  closureNumber: number,
  agency = 'momrah',
) => ({
  followUpId: f?._id.toString(),
  kind: 'send',
  ticketRef,
  closureNumber,
  agency,
});

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
    const before = Date.now();
    const first = await ticketEvent(sys, token, 'S-2', 'closed', {
      at: '2026-11-20T10:00:00Z',
      eventId: 's2-close',
    });
    const after = Date.now();
    await ticketEvent(sys, token, 'S-2', 'closed', { at: '2026-11-20T10:00:00Z', eventId: 's2-close' });
    await ticketEvent(sys, token, 'S-2', 'closed', { at: '2026-11-20T11:00:00Z', eventId: 's2-close-again' });
    expect(first.status).toBe(201);
    expect(await sys.ctx.models.FollowUp.countDocuments({ ticketRef: 'S-2' })).toBe(1);
    const jobs = await queue().getJobs(['delayed', 'waiting']);
    expect(jobs.filter((j) => j.id?.startsWith('fu-send-S-2-')).map((j) => j.id)).toEqual([
      followUpJobId('send', 'S-2', 1),
    ]);
    // The one job is the first event's: its follow-up, due at the send time that event set.
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-2' }).lean();
    const job = await followUpJobOf(sys, 'send', 'S-2', 1);
    expect(job?.data).toEqual(sendJobData(f, 'S-2', 1));
    expect(f?.closedAt.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expectDueAt(job, f?.sendAt ?? 0, { before, after });
  });

  it('a reopen before the send cancels the job; a later closure schedules a new one', async () => {
    let before = Date.now();
    await ticketEvent(sys, token, 'S-3', 'closed', { at: '2026-11-20T10:00:00Z' });
    let after = Date.now();
    const f1 = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-3', closureNumber: 1 }).lean();
    const job1 = await followUpJobOf(sys, 'send', 'S-3', 1);
    expect(job1?.data).toEqual(sendJobData(f1, 'S-3', 1));
    expectDueAt(job1, f1?.sendAt ?? 0, { before, after });
    await ticketEvent(sys, token, 'S-3', 'reopened', { at: '2026-11-21T10:00:00Z' });
    expect(await queue().getJob(followUpJobId('send', 'S-3', 1))).toBeUndefined();
    const cancelled = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-3', closureNumber: 1 }).lean();
    expect(cancelled).toMatchObject({ state: 'cancelled', outcome: 'cancelled_reopened' });
    expect(
      await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'S-3', closureNumber: 1 }).lean(),
    ).toMatchObject({ outcome: 'cancelled_reopened' });

    before = Date.now();
    await ticketEvent(sys, token, 'S-3', 'closed', { at: '2026-11-22T10:00:00Z' });
    after = Date.now();
    const f2 = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'S-3', closureNumber: 2 }).lean();
    expect(f2).toMatchObject({ state: 'scheduled' });
    // 72 hours after the second closure, at 09:00 Riyadh time or later within the window.
    expect(f2?.sendAt.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    const job2 = await followUpJobOf(sys, 'send', 'S-3', 2);
    expect(job2?.data).toEqual(sendJobData(f2, 'S-3', 2));
    expectDueAt(job2, f2?.sendAt ?? 0, { before, after });
  });

  it('a close that arrives after a later reopen never schedules a send', async () => {
    await ticketEvent(sys, token, 'S-4', 'reopened', { at: '2026-11-21T12:00:00Z' });
    await ticketEvent(sys, token, 'S-4', 'closed', { at: '2026-11-21T09:00:00Z' });
    expect(await queue().getJob(followUpJobId('send', 'S-4', 1))).toBeUndefined();
    expect(await sys.ctx.models.FollowUp.countDocuments({ ticketRef: 'S-4', state: 'scheduled' })).toBe(0);
  });
});

describe('a closure reported too long after it happened is not asked', () => {
  let aged: TestSystem;
  let events: string;
  let admin: string;
  beforeAll(async () => {
    // The maximum age left to its default: the follow-up delay (72 h) plus three days.
    aged = await startTestSystem({
      env: { FOLLOWUP_DELAY_HOURS: '72', SEND_WINDOW: '00:00-24:00', FOLLOWUP_MAX_AGE_HOURS: '' },
    });
    events = await aged.token('ticket_system');
    admin = await aged.token('admin');
  });
  afterAll(async () => {
    await aged?.stop();
  });

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const followUpOf = (ref: string) => aged.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean();
  const sendJob = (ref: string) => aged.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('send', ref, 1));

  it('a closure dated seven months ago is counted too old to ask, with no send job; a recent one is scheduled', async () => {
    await ticketEvent(aged, events, 'AG-1', 'closed', { at: hoursAgo(24 * 213), agency: 'OLDA' });
    const before = Date.now();
    await ticketEvent(aged, events, 'AG-2', 'closed', { at: hoursAgo(24), agency: 'OLDA' });
    const after = Date.now();
    expect(await followUpOf('AG-1')).toMatchObject({ state: 'skipped', outcome: 'too_old' });
    expect(await sendJob('AG-1')).toBeUndefined();
    expect(await aged.ctx.models.VerifiedScore.findOne({ ticketRef: 'AG-1' }).lean()).toMatchObject({
      outcome: 'too_old',
      sent: false,
    });
    const recent = await followUpOf('AG-2');
    expect(recent).toMatchObject({ state: 'scheduled' });
    // Asked 72 hours after it closed (a day ago), so in two days, through a window open all day.
    expect(recent?.sendAt.getTime()).toBe((recent?.closedAt.getTime() ?? 0) + 72 * 3_600_000);
    const job = await followUpJobOf(aged, 'send', 'AG-2', 1);
    expect(job?.data).toEqual(sendJobData(recent, 'AG-2', 1, 'OLDA'));
    expect(job?.state).toBe('delayed');
    expectDueAt(job, recent?.sendAt ?? 0, { before, after });
    // A week old: asked at once, it would be older than 72 + 72 hours.
    await ticketEvent(aged, events, 'AG-3', 'closed', { at: hoursAgo(24 * 7), agency: 'OLDA' });
    expect(await followUpOf('AG-3')).toMatchObject({ state: 'skipped', outcome: 'too_old' });

    const day = DateTime.now().setZone('Asia/Riyadh');
    const from = day.minus({ days: 220 }).toISODate();
    const to = day.toISODate();
    const res = await aged.api(`/api/reports/summary?from=${from}&to=${to}&agency=OLDA`, { token: admin });
    expect(res.status).toBe(200);
    const chain = ((await res.json()) as { overall: { chainOfCounts: Record<string, unknown> } }).overall
      .chainOfCounts;
    expect(chain).toMatchObject({
      closures: 3,
      sampled: 3,
      asked: 0,
      drops: { tooOld: 2, notYetAsked: 1 },
    });
  });

  it('a closure scheduled young is not asked when its send comes after the maximum age (an outage)', async () => {
    const phone = '+966500004006';
    await ticketEvent(aged, events, 'AG-6', 'closed', { at: hoursAgo(1), agency: 'OLDA', phone });
    expect(await followUpOf('AG-6')).toMatchObject({ state: 'scheduled' });
    // The send runs 150 hours after the closure instead of 72: the closure's time moved back is
    // the same as the clock moved on while the workers were down.
    await aged.ctx.models.FollowUp.updateOne(
      { ticketRef: 'AG-6' },
      { $set: { closedAt: new Date(hoursAgo(150)) } },
    );
    const job = await sendJob('AG-6');
    if (!job) throw new Error('no send job for AG-6');
    const result = await followUpWorker(aged.ctx).process(job, undefined);
    expect(result).toEqual({ skipped: 'too_old' });
    expect(await followUpOf('AG-6')).toMatchObject({ state: 'skipped', outcome: 'too_old' });
    expect(aged.ctx.sandbox?.listMessages({ to: phone }) ?? []).toHaveLength(0);
    expect(await aged.ctx.models.VerifiedScore.findOne({ ticketRef: 'AG-6' }).lean()).toMatchObject({
      outcome: 'too_old',
      sent: false,
    });
  });

  it("an agency's own maximum age, set through the administration API, decides for its closures", async () => {
    const created = await aged.api('/api/admin/agencies', {
      token: admin,
      body: {
        code: 'OLDB',
        name: { ar: 'جهة', en: 'Agency' },
        followUpDelayHours: 0,
        followUpMaxAgeHours: 12,
      },
    });
    expect(created.status).toBe(201);
    const shown = (await (await aged.api('/api/admin/agencies/OLDB', { token: admin })).json()) as {
      agency: { followUpMaxAgeHours: unknown };
    };
    expect(shown.agency.followUpMaxAgeHours).toBe(12);
    const refused = await aged.api('/api/admin/agencies/OLDB', {
      method: 'PATCH',
      token: admin,
      body: { followUpMaxAgeHours: 0 },
    });
    expect(refused.status).toBe(422);
    await ticketEvent(aged, events, 'AG-4', 'closed', { at: hoursAgo(13), agency: 'OLDB' });
    await ticketEvent(aged, events, 'AG-5', 'closed', { at: hoursAgo(11), agency: 'OLDB' });
    expect(await followUpOf('AG-4')).toMatchObject({ state: 'skipped', outcome: 'too_old' });
    expect(await followUpOf('AG-5')).toMatchObject({ state: 'scheduled' });
  });
});
