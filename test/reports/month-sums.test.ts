import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary, buildSummaryFromRecords } from '../../src/reports/sums/aggregate.js';
import {
  bucketId,
  countScores,
  repairDailySums,
  SCORE_SUMS_FIELDS,
} from '../../src/scores/sums/daily-sums.js';
import type { GroupBy, ReportFilter } from '../../src/reports/filters.js';
import { monthBucketId } from '../../src/scores/sums/month-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { agentPlace, rng, seedYearRecords, SMALL_YEAR, yearRecord, type YearShape } from './year-dataset.js';

/**
 * Reports over whole months read the monthly sums (src/scores/sums/month-sums.ts, ranged-sums.ts)
 * and cache their answers by the sums' revision. Every figure must still be the records' own: over
 * a year, with and without the cache, after writes, after a writer that died before marking.
 */

const SHAPE: YearShape = SMALL_YEAR;
const YEAR: ReportFilter = { from: SHAPE.from, to: SHAPE.to };
const RECORDS = 3000;
const minN = 10;

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
  await seedYearRecords(sys.ctx.models, SHAPE, RECORDS, 7);
});
afterAll(async () => {
  await sys?.stop();
});

const place = agentPlace(SHAPE, 4);
const FILTERS: ReportFilter[] = [
  YEAR,
  { from: '2024-03-15', to: '2024-11-20' },
  { from: '2024-02-01', to: '2024-02-29' },
  { from: '2024-06-03', to: '2024-06-17' },
  { ...YEAR, agency: place.agency },
  { ...YEAR, agency: place.agency, department: place.department },
  { ...YEAR, agent: place.agentId },
  { ...YEAR, channel: 'web' },
  { from: '2024-01-20', to: '2024-10-31', department: place.department, channel: 'sms' },
];
const GROUPINGS: (GroupBy | null)[] = [null, 'agency', 'department', 'agent', 'month'];

async function expectRecordsFigures(filter: ReportFilter): Promise<void> {
  for (const groupBy of GROUPINGS) {
    const expected = await buildSummaryFromRecords(sys.ctx.models, filter, groupBy, minN);
    const label = JSON.stringify({ filter, groupBy });
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN, { cache: false }), label).toEqual(
      expected,
    );
    // Twice with the cache: computed, then served from it.
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN), label).toEqual(expected);
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN), label).toEqual(expected);
  }
}

async function closuresOf(filter: ReportFilter, opts: { cache?: boolean } = {}): Promise<number> {
  return (await buildSummary(sys.ctx.models, filter, null, minN, opts)).overall.metrics.closures;
}

/** A new record counted as the writers count it (the send path's batched count). */
async function writeRecord(i: number, day: string): Promise<void> {
  const doc = { ...yearRecord(SHAPE, RECORDS + i, rng(i)), ...place, day, sumsPending: true, sumsRev: 1 };
  await sys.ctx.models.VerifiedScore.collection.insertOne(doc);
  const written = await sys.ctx.models.VerifiedScore.collection
    .find({ ticketRef: doc.ticketRef }, { projection: SCORE_SUMS_FIELDS })
    .toArray();
  await countScores(sys.ctx, written);
}

describe('monthly sums', () => {
  it('give the records figures over a year, by agency, department, agent and month, with and without the cache', async () => {
    // The year is read from months: every month bucket is there and clean after the rebuild.
    expect(await sys.ctx.models.MonthSum.countDocuments({ dirty: false })).toBe(12 * SHAPE.agents);
    expect(await closuresOf(YEAR, { cache: false })).toBe(RECORDS);
    for (const filter of FILTERS) await expectRecordsFigures(filter);
  });

  it('a write after a cached read changes the next read, and its month is read from the days until recomputed', async () => {
    const june = { from: '2024-06-01', to: '2024-06-30' };
    const before = await closuresOf(YEAR);
    const juneBefore = await closuresOf(june);
    expect(await closuresOf(YEAR)).toBe(before);
    await writeRecord(1, '2024-06-10');
    const id = monthBucketId({ month: '2024-06', ...place });
    expect((await sys.ctx.models.MonthSum.collection.findOne({ _id: id as never }))?.dirty).toBe(true);
    expect(await closuresOf(YEAR)).toBe(before + 1);
    expect(await closuresOf(june)).toBe(juneBefore + 1);
    // The read wrote the month back from its days, clean.
    const month = await sys.ctx.models.MonthSum.collection.findOne({ _id: id as never });
    expect(month?.dirty).toBe(false);
    const days = await sys.ctx.models.DailySum.collection
      .find({ day: { $gte: june.from, $lte: june.to }, agentId: place.agentId })
      .toArray();
    const closures = days.reduce(
      (n, d) => n + Number((d.all as { closures?: number } | undefined)?.closures ?? 0),
      0,
    );
    expect((month?.all as { closures?: number } | undefined)?.closures).toBe(closures);
    for (const filter of FILTERS.slice(0, 3)) await expectRecordsFigures(filter);
  });

  it('a writer that died after its daily count but before marking the month is marked by the repair', async () => {
    const august = { from: '2024-08-01', to: '2024-08-31' };
    const id = monthBucketId({ month: '2024-08', ...place });
    await closuresOf(august, { cache: false });
    const clean = await sys.ctx.models.MonthSum.collection.findOne({ _id: id as never });
    expect(clean?.dirty).toBe(false);
    await writeRecord(2, '2024-08-05');
    // As if the mark never happened: the month as it was, the score still pending.
    await sys.ctx.models.MonthSum.collection.replaceOne({ _id: id as never }, clean as never);
    await sys.ctx.models.VerifiedScore.collection.updateOne(
      { ticketRef: `Y-${RECORDS + 2}` },
      { $set: { sumsPending: true } },
    );
    const truth = (await buildSummaryFromRecords(sys.ctx.models, august, null, minN)).overall.metrics
      .closures;
    expect(await closuresOf(august, { cache: false })).toBe(truth - 1);
    await repairDailySums(sys.ctx.models, { olderThanMs: 0 });
    expect(await closuresOf(august, { cache: false })).toBe(truth);
    expect(await closuresOf(august)).toBe(truth);
    // The daily bucket counted it once.
    const day = await sys.ctx.models.DailySum.collection.findOne({
      _id: bucketId({ day: '2024-08-05', ...place }) as never,
    });
    expect(day).not.toBeNull();
    await expectRecordsFigures(august);
  });

  it('keeps serving a range from the cache while only other months are written', async () => {
    const spring = { from: '2024-03-01', to: '2024-05-31' };
    const truth = await closuresOf(spring, { cache: false });
    expect(await closuresOf(spring)).toBe(truth);
    // Only visible to a read that skips the cache: a change to the sums that no count made.
    const id = monthBucketId({ month: '2024-04', ...place });
    await sys.ctx.models.MonthSum.collection.updateOne(
      { _id: id as never },
      { $inc: { 'all.closures': 1000 } },
    );
    expect(await closuresOf(spring, { cache: false })).toBe(truth + 1000);
    // A write to another month leaves the cached answer standing...
    await writeRecord(3, '2024-09-09');
    expect(await closuresOf(spring)).toBe(truth);
    // ...and a write to one of its months does not.
    await writeRecord(4, '2024-05-20');
    expect(await closuresOf(spring)).toBe(truth + 1000 + 1);
  });
});
