import { signInCookie } from './support.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { createWorkerConnection } from '../../src/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../src/queue/workers.js';
import { purgeExpiredPersonalData, type PurgeProgress, type PurgeReport } from '../../src/retention/purge.js';
import { retentionRuns } from '../../src/retention/runs.js';
import { RETENTION_QUEUE, retentionWorker } from '../../src/retention/worker.js';
import { logSink } from '../support/log-sink.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 29, item 3: the purge at national size works in batches with progress, and a purge stopped
// part-way is continued by the next, which purges everything due and nothing else, exactly once.
const DAY = 86_400_000;
const PASSWORD = 'correct horse battery staple';
const OLD = 120;
const NEW = 7;
const OLD_RECORDINGS = 30;
const phone = (i: number) => `+96650${String(i).padStart(7, '0')}`;
const recordingSid = (i: number) => `RE${i.toString(16).padStart(32, '0')}`;

let sys: TestSystem;
const { lines, sink } = logSink();
let resumed: RunningWorkers | undefined;

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    logDestination: sink,
    env: {
      LOG_LEVEL: 'info',
      RETENTION_PHONE_DAYS: '365',
      RETENTION_RECORDING_DAYS: '90',
      RETENTION_COMMENT_DAYS: '180',
      // Small batches with a pause, so the run is still going when the test stops it.
      RETENTION_BATCH_SIZE: '10',
      RETENTION_BATCH_PAUSE_MS: '150',
    },
  });
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  const m = sys.ctx.models;
  const now = Date.now();
  // Old records a minute apart, a year and more ago; new ones within every period.
  const old = (i: number) => new Date(now - 400 * DAY + i * 60_000);
  const recent = (i: number) => new Date(now - 10 * DAY + i * 60_000);
  const closure = (i: number, at: Date) => ({
    ticketRef: `T-${i}`,
    closureNumber: 1,
    agency: 'momrah',
    department: 'roads',
    agentId: 'agent-1',
    citizenPhone: phone(i),
    comment: `said-${i}`,
    closedAt: at,
    day: at.toISOString().slice(0, 10),
  });
  const all = [
    ...Array.from({ length: OLD }, (_, i) => closure(i, old(i))),
    ...Array.from({ length: NEW }, (_, i) => closure(OLD + i, recent(i))),
  ];
  await m.FollowUp.collection.insertMany(all.map((c) => ({ ...c, state: 'closed', language: 'ar' })));
  await m.VerifiedScore.collection.insertMany(all.map((c) => ({ ...c })));
  await m.Contact.collection.insertMany(
    all.map((c) => ({ _id: c.citizenPhone as unknown as never, lastContactAt: c.closedAt })),
  );
  await m.PostCallRating.collection.insertMany(
    [...Array.from({ length: OLD_RECORDINGS }, (_, i) => old(i)), recent(0), recent(1)].map((at, i) => ({
      callSid: `CA${i}`,
      agentId: 'agent-1',
      createdAt: at,
      recording: { sid: recordingSid(i), url: `https://api.twilio.com/rec/${recordingSid(i)}`, duration: 9 },
    })),
  );
});
afterAll(async () => {
  await resumed?.close();
  await sys?.stop();
});

const queue = () => sys.ctx.queues.get(RETENTION_QUEUE);

const cookie = () => signInCookie(sys, 'admin', PASSWORD);

describe('the retention purge at national size', () => {
  it('stopped part-way, is continued by the next run: everything due purged once, nothing else', async () => {
    const first = await queue().add('purge', {}, { jobId: 'purge-1' });
    // Some batches written, then the workers stop (as in a deploy): the purge stops between batches.
    const running = await eventually(async () => {
      const run = await retentionRuns(sys.ctx).findOne({});
      return run && run.batches >= 3 ? run : undefined;
    });
    await sys.workers?.close();
    const stopped = await eventually(async () => {
      const run = await retentionRuns(sys.ctx).findOne({ _id: running._id });
      return run?.state === 'stopped' ? run : undefined;
    });
    expect(await first.getState()).not.toBe('completed');
    // Part of what is due is purged, not all: the run really stopped in the middle.
    const due = OLD * 5 + OLD_RECORDINGS;
    const doneBeforeStop = stopped.kinds.reduce((n, k) => n + k.changed, 0);
    expect(doneBeforeStop).toBeGreaterThan(0);
    expect(doneBeforeStop).toBeLessThan(due);
    // Its progress is on the job, as the queue board shows it.
    const progress = (await queue().getJob('purge-1'))?.progress as PurgeProgress;
    expect(progress.runId).toBe(stopped._id);
    expect(progress.batches).toBeGreaterThanOrEqual(3);
    expect(progress.changed['FollowUp.phone']).toBeGreaterThan(0);
    expect(progress.remaining).toBeGreaterThan(0);
    expect(progress.percent).toBeGreaterThan(0);
    expect(progress.percent).toBeLessThan(100);

    // A restarted worker continues the same run.
    const connection = createWorkerConnection(sys.ctx.redisUrl);
    resumed = startWorkers([retentionWorker(sys.ctx)], {
      connection,
      prefix: sys.ctx.config.queuePrefix,
      log: sys.ctx.log,
    });
    const second = await queue().add('purge', {}, { jobId: 'purge-2' });
    const report = await eventually(
      async () =>
        (await second.isCompleted())
          ? ((await queue().getJob('purge-2'))?.returnvalue as PurgeReport)
          : undefined,
      { within: 'bulk', what: 'the continued purge to finish' },
    );
    const r = report;
    expect(r.runId).toBe(stopped._id);
    // The counts over both parts are exact: every old record once, no new one.
    expect(r.changed).toMatchObject({
      'FollowUp.phone': OLD,
      'FollowUp.comment': OLD,
      'VerifiedScore.phone': OLD,
      'VerifiedScore.comment': OLD,
      'Contact.phone': OLD,
      'PostCallRating.recording': OLD_RECORDINGS,
    });
    expect(r.recordingsDeleted).toBe(OLD_RECORDINGS);
    expect(r.batches).toBeGreaterThan(OLD / 10);

    const m = sys.ctx.models;
    const kept = (c: typeof m.FollowUp.collection, filter: Record<string, unknown>) =>
      c.find(filter, { projection: { ticketRef: 1 } }).toArray();
    for (const c of [m.FollowUp.collection, m.VerifiedScore.collection]) {
      const withPhone = await kept(c, { citizenPhone: { $exists: true } });
      const withComment = await kept(c, { comment: { $exists: true } });
      const newRefs = Array.from({ length: NEW }, (_, i) => `T-${OLD + i}`);
      expect(withPhone.map((d) => String(d.ticketRef)).sort()).toEqual(newRefs.sort());
      expect(withComment.map((d) => String(d.ticketRef)).sort()).toEqual(newRefs.sort());
      // The records themselves stay, for the counts.
      expect(await c.countDocuments({})).toBe(OLD + NEW);
    }
    expect((await m.Contact.collection.find({}).toArray()).map((d) => d._id).sort()).toEqual(
      Array.from({ length: NEW }, (_, i) => phone(OLD + i)).sort(),
    );
    const recordings = await m.PostCallRating.collection
      .find({ 'recording.sid': { $exists: true } })
      .toArray();
    expect(recordings.map((d) => (d.recording as { sid: string }).sid).sort()).toEqual(
      [recordingSid(OLD_RECORDINGS), recordingSid(OLD_RECORDINGS + 1)].sort(),
    );
    // Each old recording was deleted at Twilio exactly once, through the SDK; no new one.
    const deletedAtTwilio = sys.ctx.sandbox?.deletedRecordings ?? [];
    expect([...deletedAtTwilio].sort()).toEqual(
      Array.from({ length: OLD_RECORDINGS }, (_, i) => recordingSid(i)).sort(),
    );

    // Where an operator looks: a log line per batch with counts and no number, and the metric.
    const batchLines = lines.filter((l) => l.includes('retention purge batch'));
    expect(batchLines.length).toBe(r.batches);
    expect(batchLines.join('\n')).not.toMatch(/9665\d{7}|said-/);
    expect(batchLines[0]).toMatch(/"changed":\d+/);
    const metrics = await (await fetch(`${sys.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`verisat_retention_purged_records_total\\{kind="FollowUp\\.phone"[^}]*\\} ${OLD}\\n`),
    );
    // Each batch's write time, which the pacing aims at RETENTION_BATCH_TARGET_MS.
    expect(metrics).toMatch(
      new RegExp(`verisat_retention_purge_write_seconds_count\\{[^}]*\\} ${r.batches}\\n`),
    );
    expect(metrics).toMatch(/verisat_retention_purge_write_seconds_bucket\{le="0\.01"[^}]*\} \d+\n/);
    const run = await retentionRuns(sys.ctx).findOne({ _id: stopped._id });
    expect(run?.state).toBe('done');
    expect(JSON.stringify(run)).not.toMatch(/9665\d{7}/);
  });

  it('shows the last run on the admin page, in Arabic and English', async () => {
    const c = await cookie();
    const en = await (await fetch(`${sys.baseUrl}/admin/erasure?lang=en`, { headers: { cookie: c } })).text();
    expect(en).toContain('Last retention purge');
    expect(en).toContain('Finished');
    expect(en).toContain('<td><span dir="ltr">FollowUp.phone</span></td><td>120</td>');
    // The size the purge was reading at, paced by its writes (at most RETENTION_BATCH_SIZE, 10 here).
    expect(en).toContain('<td>Batch size now</td><td>10</td>');
    const ar = await (await fetch(`${sys.baseUrl}/admin/erasure`, { headers: { cookie: c } })).text();
    expect(ar).toContain('آخر حذف دوري للبيانات');
    expect(ar).toContain('<td>حجم الدفعة الآن</td><td>10</td>');
  });

  it('sizes its batches by the time of their writes: from a small first one, within RETENTION_BATCH_SIZE', async () => {
    const m = sys.ctx.models;
    const at = (i: number) => new Date(Date.now() - 500 * DAY + i * 60_000);
    const plant = (from: number, n: number) =>
      m.FollowUp.collection.insertMany(
        Array.from({ length: n }, (_, j) => ({
          ticketRef: `P-${from + j}`,
          closureNumber: 1,
          agency: 'momrah',
          agentId: 'agent-1',
          citizenPhone: phone(1000 + from + j),
          comment: `paced-${from + j}`,
          state: 'closed',
          closedAt: at(from + j),
          day: at(from + j)
            .toISOString()
            .slice(0, 10),
        })),
      );
    // The same system with another pace: the configured size is the largest batch.
    const paced = (batchTargetMs: number) => ({
      ...sys.ctx,
      config: { ...sys.ctx.config, retention: { ...sys.ctx.config.retention, batchSize: 30, batchTargetMs } },
    });
    /** Records changed by each batch of the follow-ups' numbers in a run, from its log lines. */
    const batchesOf = (runId: string) =>
      lines
        .filter((l) => l.includes('retention purge batch'))
        .map((l) => JSON.parse(l) as { runId: string; kind: string; changed: number; batchSize?: number })
        .filter((l) => l.runId === runId && l.kind === 'FollowUp.phone');

    // Writes far quicker than the target: each batch half again the last, up to the maximum.
    await plant(0, 100);
    const sizes: number[] = [];
    const fast = await purgeExpiredPersonalData(paced(60_000), {
      full: true,
      onProgress: (p) => {
        if (p.kind === 'FollowUp.phone') sizes.push(p.batchSize);
      },
    });
    expect(fast.changed['FollowUp.phone']).toBe(100);
    expect(batchesOf(fast.runId).map((l) => l.changed)).toEqual([10, 15, 22, 30, 23]);
    // The progress shows the size the purge reads at now (the next batch's).
    expect(sizes).toEqual([15, 22, 30, 30, 30]);

    // Every write slower than the target: each batch the minimum, never larger.
    await plant(100, 50);
    const slow = await purgeExpiredPersonalData(paced(0.000_001), { full: true });
    expect(slow.changed['FollowUp.phone']).toBe(50);
    expect(batchesOf(slow.runId).map((l) => l.changed)).toEqual([10, 10, 10, 10, 10]);
    expect(
      await m.FollowUp.collection.countDocuments({ ticketRef: /^P-/, citizenPhone: { $exists: true } }),
    ).toBe(0);
  });

  it('retries a recording delete Twilio refused for a while, and keeps one it keeps refusing', async () => {
    const sandbox = sys.ctx.sandbox;
    if (!sandbox) throw new Error('no stand-in');
    const pcr = sys.ctx.models.PostCallRating.collection;
    const sidOf = async (callSid: string) =>
      ((await pcr.findOne({ callSid }))?.recording as { sid?: string } | undefined)?.sid;
    const deletes = (sid: string) => sandbox.deletedRecordings.filter((s) => s === sid).length;
    // Recorded before the last run's sweep: only a sweep from the oldest record finds them.
    const at = new Date(Date.now() - 200 * DAY);
    await pcr.insertOne({
      callSid: 'CA-r1',
      createdAt: at,
      recording: { sid: recordingSid(500), url: 'https://x/1' },
    });
    // Refused twice (429, then 500), deleted on the third try.
    sandbox.recordingDeleteFailures.push(429, 500);
    const retried = await purgeExpiredPersonalData(sys.ctx, { full: true });
    expect(retried.recordingsDeleted).toBe(1);
    expect(retried.recordingDeletesFailed).toBe(0);
    expect(deletes(recordingSid(500))).toBe(1);
    expect(await sidOf('CA-r1')).toBeUndefined();

    // Refused on every try: the reference stays, and the next run (not a full sweep) starts there.
    await pcr.insertOne({ callSid: 'CA-r2', createdAt: at, recording: { sid: recordingSid(501) } });
    sandbox.recordingDeleteFailures.push(503, 503, 503, 503);
    const refused = await purgeExpiredPersonalData(sys.ctx, { full: true });
    expect(refused.recordingsDeleted).toBe(0);
    expect(refused.recordingDeletesFailed).toBe(1);
    expect(await sidOf('CA-r2')).toBe(recordingSid(501));
    const next = await purgeExpiredPersonalData(sys.ctx);
    expect(next.recordingsDeleted).toBe(1);
    expect(deletes(recordingSid(501))).toBe(1);
    expect(await sidOf('CA-r2')).toBeUndefined();
  });
});
