import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedHash } from '../../src/followup/conversation/origin.js';
import { purgeExpiredPersonalData } from '../../src/retention/purge.js';
import { RETENTION_QUEUE } from '../../src/retention/worker.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Call } from '../support/voice.js';
import { dashboardFigures, whereStored } from './support.js';

// Issue 16, item 4: the scheduled purge removes personal data older than its period and keeps
// every figure the dashboard shows.
const DAY = 86_400_000;
const A = '+966501230001';
const B = '+966501230002';
const STOPPED = '+966501230003';
const COMMENT = 'the-pipe-still-leaks-zx81';
const RECORDING = `RE${'7'.repeat(32)}`;
/** Numbers as they may be stored or shown: E.164, without +, and national. */
const forms = (e164: string) => [e164, e164.slice(1), `0${e164.slice(4)}`];

let sys: TestSystem;
let admin: string;
const citizenHash = (e164: string) => keyedHash(sys.ctx.config.integrity.key, 'citizen', e164);

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    env: {
      ...FAST_FOLLOWUP_ENV,
      RETENTION_PHONE_DAYS: '365',
      RETENTION_RECORDING_DAYS: '90',
      RETENTION_COMMENT_DAYS: '180',
    },
  });
  admin = await sys.token('admin');
  // A: not solved, rated, with a reason in their own words (kept as the comment).
  await ticketEvent(sys, admin, 'T-R1', 'closed', { phone: A });
  await waitForMessages(sys, A, 1);
  await reply(sys, A, '2');
  await reply(sys, A, '3');
  await reply(sys, A, `4 ${COMMENT}`);
  // B: solved, rated 5.
  await ticketEvent(sys, admin, 'T-R2', 'closed', { phone: B });
  await waitForMessages(sys, B, 1);
  await reply(sys, B, '1');
  await reply(sys, B, '5');
  // STOPPED opts out.
  await ticketEvent(sys, admin, 'T-R3', 'closed', { phone: STOPPED });
  await waitForMessages(sys, STOPPED, 1);
  await reply(sys, STOPPED, 'STOP');
  // A post-call rating with a recorded comment.
  const call = new Call(sys);
  const q1 = await call.post('/voice/rating?agent=agent-42&ticket=T-R1');
  const q2 = await call.press(q1, '4');
  const q3 = await call.press(q2, '1');
  const rec = await call.press(q3, '1');
  await call.post(rec.record?.action ?? '', {
    RecordingSid: RECORDING,
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/${RECORDING}`,
    RecordingDuration: '9',
    Digits: '#',
  });
  await call.post(rec.record?.recordingStatusCallback ?? '', {
    RecordingSid: RECORDING,
    RecordingUrl: `https://api.twilio.com/rec/${RECORDING}`,
    RecordingDuration: '9',
    RecordingStatus: 'completed',
  });
  await call.hangUp(40);
  expect(rec.record, rec.xml).toBeDefined();
  await eventually(async () =>
    (await sys.ctx.models.PostCallRating.findOne({ callSid: call.sid }).lean())?.recording?.sid
      ? true
      : undefined,
  );
  // The calls collection: no route writes it today; a record of one is purged all the same.
  await sys.ctx.models.Call.create({ callSid: call.sid, from: A, to: '+966920000000', agentId: 'agent-42' });
  await eventually(
    async () =>
      (await sys.ctx.models.FollowUp.countDocuments({ outcome: { $exists: true } })) >= 3 ? true : undefined,
    {
      what: `three outcomes, have ${JSON.stringify(await sys.ctx.models.FollowUp.find({}, { state: 1, outcome: 1, comment: 1, reason: 1 }).lean())}`,
    },
  );
});
afterAll(async () => {
  await sys?.stop();
});

describe('the retention purge', () => {
  it('finds the planted personal data before, so the searches below can fail', async () => {
    const found = await whereStored(sys, [A, B, COMMENT, RECORDING]);
    for (const needle of [A, B, COMMENT, RECORDING])
      expect(
        found.some((f) => f.endsWith(needle)),
        needle,
      ).toBe(true);
    expect(found.some((f) => f.startsWith('follow_ups') && f.endsWith(COMMENT))).toBe(true);
    // Replies wait in Redis with the number and the text.
    expect(found.some((f) => f.startsWith('redis') && f.endsWith(A))).toBe(true);
    // The integrity signals keep a keyed hash of each answering number: a pseudonym of the citizen.
    const hashes = await whereStored(sys, [citizenHash(A), citizenHash(B)]);
    expect([...new Set(hashes)]).toEqual([
      `answer_origins: ${citizenHash(A)}`,
      `answer_origins: ${citizenHash(B)}`,
    ]);
  });

  it('removes only what is older than its period, and keeps every dashboard figure', async () => {
    const before = await dashboardFigures(sys, admin);
    expect(JSON.stringify(before[0])).toMatch(/"n":[1-9]/);
    const sumsBefore = await sys.ctx.models.DailySum.find({}).sort({ _id: 1 }).lean();

    // 100 days on: recordings (90) are past their period; numbers (365) and comments (180) are not.
    const early = await purgeExpiredPersonalData(sys.ctx, { now: new Date(Date.now() + 100 * DAY) });
    expect(early.changed['PostCallRating.recording']).toBe(1);
    expect(early.changed['FollowUp.phone']).toBe(0);
    expect(early.changed['FollowUp.comment']).toBe(0);
    expect(await whereStored(sys, [RECORDING])).toEqual([]);
    expect((await whereStored(sys, [A, COMMENT])).length).toBeGreaterThan(0);

    // 400 days on: everything personal is past its period.
    const late = await purgeExpiredPersonalData(sys.ctx, { now: new Date(Date.now() + 400 * DAY) });
    expect(late.changed['FollowUp.phone']).toBe(3);
    expect(late.inboundJobsRemoved).toBeGreaterThan(0);
    const left = await whereStored(sys, [
      ...forms(A),
      ...forms(B),
      COMMENT,
      RECORDING,
      citizenHash(A),
      citizenHash(B),
    ]);
    expect(left).toEqual([]);
    expect(late.changed['AnswerOrigin.phone']).toBeGreaterThan(0);
    // The opt-out is the one record kept on purpose: it is what stops further messages.
    const stopped = await whereStored(sys, forms(STOPPED));
    expect(stopped.length).toBeGreaterThan(0);
    expect(
      stopped.every((f) => f.startsWith('opt_outs:')),
      stopped.join('\n'),
    ).toBe(true);

    expect(await dashboardFigures(sys, admin)).toEqual(before);
    expect(await sys.ctx.models.DailySum.find({}).sort({ _id: 1 }).lean()).toEqual(sumsBefore);
    // The anonymous records themselves stay: outcomes, ratings and reasons as codes.
    const scores = await sys.ctx.models.VerifiedScore.find({}).sort({ ticketRef: 1 }).lean();
    expect(scores.map((s) => [s.ticketRef, s.outcome, s.rating, s.solved])).toEqual([
      ['T-R1', 'disputed', 3, false],
      ['T-R2', 'confirmed_solved', 5, true],
      ['T-R3', 'opted_out', undefined, undefined],
    ]);

    // Run again: nothing left to change.
    const again = await purgeExpiredPersonalData(sys.ctx, { now: new Date(Date.now() + 400 * DAY) });
    expect(Object.values(again.changed).every((n) => n === 0)).toBe(true);
  });

  it('is registered as a job scheduler every RETENTION_EVERY_HOURS by a worker process', async () => {
    const scheduled = await startTestSystem({
      workers: true,
      reconcileEveryMs: 3_600_000,
      env: { RETENTION_EVERY_HOURS: '6' },
    });
    try {
      const scheduler = await eventually(() =>
        scheduled.ctx.queues.get(RETENTION_QUEUE).getJobScheduler('retention-purge'),
      );
      expect(scheduler.every).toBe(6 * 3_600_000);
    } finally {
      await scheduled.stop();
    }
  });

  it('is scheduled as a BullMQ job run by the workers', async () => {
    const queue = sys.ctx.queues.get(RETENTION_QUEUE);
    const job = await queue.add('purge', {}, { jobId: 'retention-now' });
    await eventually(async () => ((await job.isCompleted()) ? true : undefined));
    const entry = await sys.ctx.models.AuditLog.findOne({ action: 'admin.retention.purge' }).lean();
    expect(entry).toMatchObject({ actor: 'system:retention' });
  });
});
