import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary, buildSummaryFromRecords } from '../../src/reports/sums/aggregate.js';
import { groupJson, metricsJson } from '../../src/reports/api-routes.js';
import {
  bucketId,
  rebuildDailySums,
  countScores,
  countScoresMatching,
  SCORE_SUMS_FIELDS,
  repairDailySums,
  type SumsBucket,
} from '../../src/scores/sums/daily-sums.js';
import { writeScore } from '../../src/scores/writes.js';
import { GROUP_BYS, type GroupBy, type ReportFilter } from '../../src/reports/filters.js';
import { bumpSumsRevision } from '../../src/scores/sums/month-sums.js';
import { localToday } from '../../src/reports/periods.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { buildScores, MARCH, seedScores } from './dataset.js';

/**
 * Reports read per-day partial sums (src/scores/sums/daily-sums.ts). These tests hold them to the
 * records: every figure the summary gives equals the one computed from the records, after seeding,
 * after writes through the real flows, after a crashed writer (repair) and after a rebuild.
 */

let sys: TestSystem;
let adminToken: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  await seedScores(sys.ctx.models);
  adminToken = await sys.token('admin');
});
afterAll(async () => {
  await sys?.stop();
});

const WIDE = { from: '2025-02-01', to: '2025-04-30' };
const FILTERS: ReportFilter[] = [
  MARCH,
  WIDE,
  { from: '2025-03-10', to: '2025-03-20' },
  { ...WIDE, agency: 'MOMAH' },
  { ...WIDE, department: 'roads' },
  { ...WIDE, agency: 'MOH', department: 'records' },
  { ...WIDE, agent: 'a1' },
  { ...WIDE, channel: 'sms' },
  { ...WIDE, channel: 'web' },
  { ...WIDE, channel: 'whatsapp' },
  { ...WIDE, channel: 'voice' },
  { ...MARCH, agency: 'MOMAH', channel: 'web' },
];
const GROUPINGS: (GroupBy | null)[] = [null, ...GROUP_BYS];

function query(filter: ReportFilter, groupBy: GroupBy | null): string {
  const params = new URLSearchParams(
    Object.entries({ ...filter, ...(groupBy ? { groupBy } : {}) }).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
  return params.toString();
}

/** The summary API's figures against the same figures computed from the records. */
async function expectApiMatchesRecords(filter: ReportFilter, groupBy: GroupBy | null): Promise<void> {
  const res = await sys.api(`/api/reports/summary?${query(filter, groupBy)}`, { token: adminToken });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { overall: unknown; groups: unknown[] };
  const expected = await buildSummaryFromRecords(
    sys.ctx.models,
    filter,
    groupBy,
    sys.ctx.config.reports.minN,
  );
  const label = query(filter, groupBy);
  expect(body.overall, label).toEqual(metricsJson(expected.overall.metrics, expected.overall.lowN));
  expect(body.groups, label).toEqual(expected.groups.map(groupJson));
}

/** Every grouping of the filter, daily sums against records, in process (cheaper than HTTP). */
async function expectSumsMatchRecords(filter: ReportFilter): Promise<void> {
  const minN = sys.ctx.config.reports.minN;
  for (const groupBy of GROUPINGS) {
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN), query(filter, groupBy)).toEqual(
      await buildSummaryFromRecords(sys.ctx.models, filter, groupBy, minN),
    );
  }
}

describe('daily sums give the figures of the records', () => {
  it('for every figure of the summary API, overall and per grouping, with every filter', async () => {
    // A check that would pass on two empty answers proves nothing: the seeded month is there.
    const march = await buildSummaryFromRecords(sys.ctx.models, MARCH, null, 10);
    expect(march.overall.metrics.closures).toBe(59);
    for (const filter of FILTERS) {
      for (const groupBy of GROUPINGS) await expectApiMatchesRecords(filter, groupBy);
    }
  });
});

describe('kept in step with every score write', () => {
  it('shows a closure, its delivery and its answers through the real flows as soon as each is handled', async () => {
    const phone = '+966500000771';
    const today = localToday(sys.ctx.config.timeZone);
    const filter = { from: today, to: today, agency: 'momrah' };
    const overall = async () =>
      (await buildSummary(sys.ctx.models, filter, null, sys.ctx.config.reports.minN)).overall.metrics;

    // The closure event is applied before its answer (prefer: return=representation), score included.
    await ticketEvent(sys, await sys.token('ticket_system'), 'DS-1', 'closed', { phone, agency: 'momrah' });
    expect((await overall()).closures).toBe(1);

    await waitForMessages(sys, phone, 1);
    // Delivery arrives by a status callback on its own time: wait for the figure, not the record.
    await eventually(async () => ((await overall()).delivered === 1 ? true : undefined), {
      what: 'delivery counted',
    });

    await reply(sys, phone, '1');
    expect((await overall()).verifiedResolutionRate).toMatchObject({ value: 1, count: 1, n: 1 });
    await reply(sys, phone, '4');
    const after = await overall();
    expect(after.csat).toMatchObject({ value: 1, count: 1, n: 1 });
    expect(after.meanRating).toMatchObject({ value: 4, count: 4, n: 1 });
    expect(await sys.ctx.models.VerifiedScore.countDocuments({ ticketRef: 'DS-1', sumsPending: true })).toBe(
      0,
    );
    await expectSumsMatchRecords({ from: today, to: today });
  });

  it('converges when many writes to one bucket race, each score written twice at once', async () => {
    const base = buildScores()[0];
    if (!base) throw new Error('dataset is empty');
    const day = '2025-05-05';
    const docs = Array.from({ length: 20 }, (_, i) => ({
      ...base,
      ticketRef: `RACE-${i}`,
      day,
      solved: undefined,
      rating: undefined,
    }));
    await sys.ctx.models.VerifiedScore.insertMany(docs.map((d) => ({ ...d, sumsPending: true, sumsRev: 1 })));
    await countScoresMatching(sys.ctx, { day });
    // Two writers per score, racing each other and every other score's writers on one bucket.
    await Promise.all(
      docs.flatMap((d, i) => [
        writeScore(
          sys.ctx,
          { ticketRef: d.ticketRef, closureNumber: d.closureNumber },
          { solved: i % 3 !== 0, rating: (i % 5) + 1, channel: i % 2 ? 'web' : 'sms' },
        ),
        writeScore(sys.ctx, { ticketRef: d.ticketRef, closureNumber: d.closureNumber }, { delivered: true }),
      ]),
    );
    expect(await sys.ctx.models.VerifiedScore.countDocuments({ day, sumsPending: true })).toBe(0);
    await expectSumsMatchRecords({ from: day, to: day });
    await expectSumsMatchRecords({ from: day, to: day, channel: 'web' });
  });
  it('converges when batched counts (the send path) race each other and single writers, buckets new', async () => {
    const base = buildScores()[0];
    if (!base) throw new Error('dataset is empty');
    const day = '2025-05-06';
    // Three agents' buckets, none of which exists yet: two batches race to create each of them.
    const docs = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      ticketRef: `BATCH-${i}`,
      agentId: `batch-agent-${i % 3}`,
      day,
      solved: undefined,
      rating: undefined,
      sent: true,
      sumsPending: true,
      sumsRev: 1,
    }));
    const inserted = await sys.ctx.models.VerifiedScore.insertMany(docs);
    const ids = inserted.map((d) => d._id);
    const read = () =>
      sys.ctx.models.VerifiedScore.collection
        .find({ _id: { $in: ids } }, { projection: SCORE_SUMS_FIELDS })
        .toArray();
    const first = await read();
    await Promise.all([
      countScores(sys.ctx, first),
      countScores(sys.ctx, [...first].reverse()),
      ...docs
        .filter((_, i) => i % 4 === 0)
        .map((d) =>
          writeScore(sys.ctx, { ticketRef: d.ticketRef, closureNumber: d.closureNumber }, { solved: false }),
        ),
    ]);
    // A batch that read scores before a newer write counts them at their old revision: it must not win.
    await countScores(sys.ctx, first);
    expect(await sys.ctx.models.VerifiedScore.countDocuments({ day, sumsPending: true })).toBe(0);
    await expectSumsMatchRecords({ from: day, to: day });
    const summary = await buildSummary(sys.ctx.models, { from: day, to: day }, null, 1);
    expect(summary.overall.metrics.closures).toBe(30);
    expect(summary.overall.metrics.verifiedResolutionRate.n).toBe(8);
  });
});

describe('repair and rebuild', () => {
  const bucket: SumsBucket = { day: '2025-06-01', agency: 'MOH', department: 'records', agentId: 'h2' };
  const june = { from: '2025-06-01', to: '2025-06-30' };

  it('counts the score a writer left pending when it crashed, once, however often it is repaired', async () => {
    const base = buildScores()[0];
    if (!base) throw new Error('dataset is empty');
    const scores = sys.ctx.models.VerifiedScore.collection;
    const closures = async () =>
      (await buildSummary(sys.ctx.models, june, null, 10)).overall.metrics.closures;

    // A writer that died between its write (flag set in the same update, updatedAt by Mongoose's
    // timestamps) and counting it.
    await scores.insertOne({
      ...base,
      ...bucket,
      ticketRef: 'CRASH-1',
      solved: true,
      sumsPending: true,
      sumsRev: 1,
      updatedAt: new Date(),
    });
    expect(await closures()).toBe(0);
    // Too young to repair: its writer may still be about to count it.
    expect(await repairDailySums(sys.ctx.models, { olderThanMs: 3_600_000 })).toEqual({ pendingScores: 0 });
    expect(await repairDailySums(sys.ctx.models, { olderThanMs: 0 })).toEqual({ pendingScores: 1 });
    expect(await closures()).toBe(1);
    expect(await scores.countDocuments({ sumsPending: true })).toBe(0);

    // A writer that died after counting but before lowering the flag: repaired, counted once.
    await scores.updateOne({ ticketRef: 'CRASH-1' }, { $set: { sumsPending: true } });
    expect(await repairDailySums(sys.ctx.models, { olderThanMs: 0 })).toEqual({ pendingScores: 1 });
    expect(await closures()).toBe(1);

    // Its next write moves it to another cell: the bucket's counters follow, still one closure.
    await scores.updateOne(
      { ticketRef: 'CRASH-1' },
      { $set: { solved: false, sumsPending: true }, $inc: { sumsRev: 1 } },
    );
    await repairDailySums(sys.ctx.models, { olderThanMs: 0 });
    expect(await closures()).toBe(1);
    expect((await buildSummary(sys.ctx.models, june, null, 10)).overall.metrics.falseClosureRate.count).toBe(
      1,
    );
    await expectSumsMatchRecords(june);
  });

  it('rebuilds every bucket from the records, including buckets whose sums were lost or wrong', async () => {
    const sums = sys.ctx.models.DailySum.collection;
    await sums.deleteMany({ day: { $gte: '2025-03-01', $lte: '2025-03-15' } });
    await sums.updateMany({ day: { $gt: '2025-03-15' } }, { $set: { 'all.closures': 999 } });
    // Sums left for a bucket that no longer has records must come back as nothing.
    await sums.insertOne({
      _id: bucketId({ ...bucket, day: '2025-07-01' }) as never,
      ...bucket,
      day: '2025-07-01',
      all: { closures: 5 },
    });
    // Whole months are read from the monthly sums: lose those too, and raise the months' revision
    // as any write of the sums does, so cached answers go.
    await sys.ctx.models.MonthSum.collection.updateMany(
      { month: '2025-03' },
      { $set: { 'all.closures': 999 } },
    );
    await bumpSumsRevision(sys.ctx.models, { months: ['2025-03', '2025-07'] });
    await expect(expectSumsMatchRecords(WIDE)).rejects.toThrow();

    const progress: number[] = [];
    const result = await rebuildDailySums(sys.ctx.models, { onProgress: (p) => progress.push(p.scores) });
    expect(progress.at(-1)).toBe(result.scores);
    expect(result.scores).toBe(await sys.ctx.models.VerifiedScore.countDocuments());
    for (const filter of FILTERS) await expectSumsMatchRecords(filter);
    await expectSumsMatchRecords({ from: '2025-07-01', to: '2025-07-31' });
    expect(
      (await buildSummary(sys.ctx.models, { from: '2025-07-01', to: '2025-07-31' }, 'agency', 10)).groups,
    ).toEqual([]);
  });
});
