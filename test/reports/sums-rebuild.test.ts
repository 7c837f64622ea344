import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSummary, buildSummaryFromRecords } from '../../src/reports/sums/aggregate.js';
import type { GroupBy, ReportFilter } from '../../src/reports/filters.js';
import {
  countScores,
  rebuildDailySums,
  repairDailySums,
  SCORE_SUMS_FIELDS,
  type RebuildProgress,
} from '../../src/scores/sums/daily-sums.js';
import { addCounters, monthBucketId, monthOf } from '../../src/scores/sums/month-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { rng, yearRecord, type YearShape } from './year-dataset.js';

/**
 * The sums rebuild (`npm run sums:rebuild`) reads the records a day at a time in bounded batches
 * and writes each batch as conditional upserts. Whatever the batches cut through, it must leave
 * exactly the sums that counting every write live leaves; while live writers keep writing; and when
 * stopped and resumed.
 */

// Four months, few agents: about 20 records a day, so the small batches below cut through buckets.
const SHAPE: YearShape = { from: '2024-01-01', to: '2024-04-30', agencies: 2, departments: 3, agents: 4 };
const RECORDS = 2400;
const BATCH = 7;
const minN = 10;

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.stop();
});

const models = () => sys.ctx.models;

/** Fresh records, each counted as the writers count theirs: pending at revision 1, then counted. */
async function seedCountedLive(): Promise<void> {
  await models().VerifiedScore.collection.deleteMany({});
  await models().DailySum.collection.deleteMany({});
  await models().MonthSum.collection.deleteMany({});
  const random = rng(11);
  const docs = Array.from({ length: RECORDS }, (_, i) => ({
    ...yearRecord(SHAPE, i, random),
    sumsPending: true,
    sumsRev: 1,
  }));
  await models().VerifiedScore.collection.insertMany(docs);
  const written = await models()
    .VerifiedScore.collection.find({}, { projection: SCORE_SUMS_FIELDS })
    .toArray();
  // The send path's batched count, in batches of its size.
  for (let i = 0; i < written.length; i += 100) await countScores(sys.ctx, written.slice(i, i + 100));
}

async function dailyDocs(): Promise<Record<string, unknown>[]> {
  return models().DailySum.collection.find({}).sort({ _id: 1 }).toArray();
}

async function monthDocs(): Promise<Record<string, unknown>[]> {
  return models().MonthSum.collection.find({}).sort({ _id: 1 }).toArray();
}

/**
 * A bucket's counters without the zeros: a live count that moves a score out of a cell leaves that
 * cell's counters at 0, where a rebuild never writes them; the figures are the same.
 */
function withoutZeros(docs: Record<string, unknown>[]): unknown[] {
  const strip = (v: unknown): unknown =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== 0)
            .map(([k, x]) => [k, strip(x)]),
        )
      : v;
  return docs.map(({ all, channels, ...rest }) => ({ ...rest, all: strip(all), channels: strip(channels) }));
}

/** Month buckets as the sum of the daily ones, clean: what a rebuild must write. */
function monthsOf(days: Record<string, unknown>[]): Record<string, unknown>[] {
  const months = new Map<string, Record<string, unknown>>();
  for (const d of days) {
    const key = {
      month: monthOf(String(d.day)),
      agency: String(d.agency),
      department: String(d.department),
      agentId: String(d.agentId),
    };
    const id = monthBucketId(key);
    let month = months.get(id);
    if (!month) months.set(id, (month = { _id: id, ...key, all: {}, dirty: false, gen: 0 }));
    addCounters(month, { all: d.all, ...(d.channels ? { channels: d.channels } : {}) });
  }
  return [...months.values()].sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
}

const FILTERS: ReportFilter[] = [
  { from: SHAPE.from, to: SHAPE.to },
  { from: '2024-02-01', to: '2024-02-29' },
  { from: '2024-01-20', to: '2024-03-10', channel: 'web' },
];
const GROUPINGS: (GroupBy | null)[] = [null, 'agency', 'agent', 'month'];

async function expectRecordsFigures(): Promise<void> {
  for (const filter of FILTERS)
    for (const groupBy of GROUPINGS) {
      const label = JSON.stringify({ filter, groupBy });
      expect(await buildSummary(models(), filter, groupBy, minN, { cache: false }), label).toEqual(
        await buildSummaryFromRecords(models(), filter, groupBy, minN),
      );
    }
}

/** A score write as the writers do it (the change, pending, revision raised, in one update). */
async function writeLive(ticketRef: string, rating: number, opts: { dies?: boolean } = {}): Promise<void> {
  const coll = models().VerifiedScore.collection;
  await coll.updateOne({ ticketRef }, { $set: { rating, sumsPending: true }, $inc: { sumsRev: 1 } });
  // A writer that dies here leaves the score pending, for the repair sweep.
  if (opts.dies) return;
  const written = await coll.find({ ticketRef }, { projection: SCORE_SUMS_FIELDS }).toArray();
  await countScores(sys.ctx, written);
}

async function insertLive(i: number, day: string): Promise<void> {
  const doc = { ...yearRecord(SHAPE, RECORDS + i, rng(i)), day, sumsPending: true, sumsRev: 1 };
  await models().VerifiedScore.collection.insertOne(doc);
  const written = await models()
    .VerifiedScore.collection.find({ ticketRef: doc.ticketRef }, { projection: SCORE_SUMS_FIELDS })
    .toArray();
  await countScores(sys.ctx, written);
}

/** The ticket of a record of `day` (the seeded ones are `Y-<i>`). */
async function ticketOn(day: string): Promise<string> {
  const doc = await models().VerifiedScore.collection.findOne({ day, ticketRef: /^Y-\d+$/ });
  if (!doc) throw new Error(`no record on ${day}`);
  return String(doc.ticketRef);
}

describe('sums rebuild from records', () => {
  beforeEach(async () => {
    await seedCountedLive();
  });

  it('leaves exactly the daily and monthly sums that live counting left, however the batches cut the buckets', async () => {
    const live = await dailyDocs();
    expect(live.length).toBeGreaterThan(400);
    const progress: RebuildProgress[] = [];
    const result = await rebuildDailySums(models(), {
      batchSize: BATCH,
      onProgress: (p) => progress.push(p),
    });
    expect(await dailyDocs()).toEqual(live);
    expect(await monthDocs()).toEqual(monthsOf(live));
    expect(result).toEqual({ scores: RECORDS, buckets: live.length, months: monthsOf(live).length });
    // Progress says how far it is, of how much, after every batch.
    expect(progress.length).toBeGreaterThan(RECORDS / BATCH);
    expect(progress.at(-1)).toEqual({
      scores: RECORDS,
      buckets: live.length,
      total: RECORDS,
      days: 121,
      totalDays: 121,
    });
    expect(progress.every((p, i) => i === 0 || p.scores >= (progress[i - 1]?.scores ?? 0))).toBe(true);
    expect(await models().VerifiedScore.countDocuments({ sumsPending: true })).toBe(0);
    await expectRecordsFigures();
  });

  it('gives the records figures when live writers write before, behind and ahead of it, and leaves a crashed writer pending', async () => {
    const early = await ticketOn('2024-01-03');
    const crashed = await ticketOn('2024-01-04');
    const late = await ticketOn('2024-04-20');
    let step = 0;
    let ahead = false;
    await rebuildDailySums(models(), {
      batchSize: BATCH,
      onProgress: async (p) => {
        step += 1;
        if (step === 20) {
          // Days already rebuilt, and one far ahead.
          await writeLive(early, 1);
          await writeLive(crashed, 2, { dies: true });
          await writeLive(late, 5);
          await insertLive(1, '2024-01-02');
          await insertLive(2, '2024-04-25');
        }
        if (step === 40) await writeLive(early, 3);
        if (p.days === 100 && !ahead) {
          ahead = true;
          await insertLive(3, '2024-04-10');
        }
      },
    });
    // The crashed writer's score was read by the rebuild before its write: it must stay pending.
    expect((await models().VerifiedScore.collection.findOne({ ticketRef: crashed }))?.sumsPending).toBe(true);
    await repairDailySums(models(), { olderThanMs: 0 });
    await expectRecordsFigures();
    // The same daily sums as a rebuild with nobody writing.
    const mixed = await dailyDocs();
    await rebuildDailySums(models());
    expect(withoutZeros(await dailyDocs())).toEqual(withoutZeros(mixed));
  });

  it('resumes after the month it last finished when stopped, and refuses to resume when nothing was stopped', async () => {
    const live = await dailyDocs();
    await expect(
      rebuildDailySums(models(), {
        batchSize: BATCH,
        onProgress: (p) => {
          if (p.days >= 45) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    // Stopped in February: January's months are written, February's are not.
    const months = await monthDocs();
    expect(months.some((m) => m.month === '2024-01')).toBe(true);
    expect(months.some((m) => m.month === '2024-02')).toBe(false);
    await insertLive(4, '2024-02-03');
    const resumed = await rebuildDailySums(models(), { batchSize: BATCH, resume: true });
    expect(resumed.scores).toBeLessThan(RECORDS);
    await expectRecordsFigures();
    const afterResume = await dailyDocs();
    await rebuildDailySums(models());
    expect(withoutZeros(await dailyDocs())).toEqual(withoutZeros(afterResume));
    expect(afterResume.length).toBeGreaterThanOrEqual(live.length);
    await expect(rebuildDailySums(models(), { resume: true })).rejects.toThrow(/no interrupted sums rebuild/);
  });
});
