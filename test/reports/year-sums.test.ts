import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary, buildSummaryFromRecords } from '../../src/reports/sums/aggregate.js';
import {
  countScores,
  rebuildDailySums,
  repairDailySums,
  SCORE_SUMS_FIELDS,
} from '../../src/scores/sums/daily-sums.js';
import type { GroupBy, ReportFilter } from '../../src/reports/filters.js';
import { monthBucketId } from '../../src/scores/sums/month-sums.js';
import { yearBucketId } from '../../src/reports/sums/year-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { agentPlace, rng, seedYearRecords, SMALL_YEAR, yearRecord, type YearShape } from './year-dataset.js';

/**
 * A whole calendar year is read from one yearly document per agent (src/reports/sums/year-sums.ts),
 * built from the clean monthly ones. Every figure must still be the records' own: with and without
 * the cache, after writes, after a writer that died before marking, after a rebuild.
 */

const SHAPE: YearShape = SMALL_YEAR;
const YEAR: ReportFilter = { from: SHAPE.from, to: SHAPE.to };
const RECORDS = 3000;
const minN = 10;

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
  await seedYearRecords(sys.ctx.models, SHAPE, RECORDS, 11);
});
afterAll(async () => {
  await sys?.stop();
});

const place = agentPlace(SHAPE, 4);
const FILTERS: ReportFilter[] = [
  YEAR,
  { ...YEAR, agency: place.agency },
  { ...YEAR, agency: place.agency, department: place.department },
  { ...YEAR, agent: place.agentId },
  { ...YEAR, channel: 'web' },
  { from: '2024-01-01', to: '2024-12-31', department: place.department, channel: 'sms' },
];
const GROUPINGS: (GroupBy | null)[] = [null, 'agency', 'department', 'agent', 'month', 'week', 'day'];

async function expectRecordsFigures(filter: ReportFilter): Promise<void> {
  for (const groupBy of GROUPINGS) {
    const expected = await buildSummaryFromRecords(sys.ctx.models, filter, groupBy, minN);
    const label = JSON.stringify({ filter, groupBy });
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN, { cache: false }), label).toEqual(
      expected,
    );
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN), label).toEqual(expected);
    expect(await buildSummary(sys.ctx.models, filter, groupBy, minN), label).toEqual(expected);
  }
}

async function closuresOf(filter: ReportFilter, opts: { cache?: boolean } = {}): Promise<number> {
  return (await buildSummary(sys.ctx.models, filter, 'agency', minN, opts)).overall.metrics.closures;
}

async function writeRecord(i: number, day: string): Promise<void> {
  const doc = { ...yearRecord(SHAPE, RECORDS + i, rng(i)), ...place, day, sumsPending: true, sumsRev: 1 };
  await sys.ctx.models.VerifiedScore.collection.insertOne(doc);
  const written = await sys.ctx.models.VerifiedScore.collection
    .find({ ticketRef: doc.ticketRef }, { projection: SCORE_SUMS_FIELDS })
    .toArray();
  await countScores(sys.ctx, written);
}

const yearId = yearBucketId({ year: '2024', ...place });
const years = () => sys.ctx.models.YearSum.collection;
const yearDoc = () => years().findOne({ _id: yearId as never });
const closuresIn = (doc: unknown) =>
  Number((doc as { all?: { closures?: number } } | null)?.all?.closures ?? Number.NaN);

async function monthsClosures(): Promise<number> {
  const months = await sys.ctx.models.MonthSum.collection
    .find({ agentId: place.agentId, month: { $gte: '2024-01', $lte: '2024-12' } })
    .toArray();
  return months.reduce((n, m) => n + closuresIn(m), 0);
}

describe('yearly sums', () => {
  it('are built from the clean months on the first read of a year, one per agent, and give the records figures', async () => {
    expect(await closuresOf(YEAR, { cache: false })).toBe(RECORDS);
    const docs = await years().find({ year: '2024' }).toArray();
    expect(docs).toHaveLength(SHAPE.agents);
    expect(docs.every((d) => d.dirty === false)).toBe(true);
    expect(docs.reduce((n, d) => n + closuresIn(d), 0)).toBe(RECORDS);
    for (const filter of FILTERS) await expectRecordsFigures(filter);
  });

  it('are what a year view reads: a change only the yearly document has shows in a read that skips the cache', async () => {
    const truth = await closuresOf(YEAR, { cache: false });
    await years().updateOne({ _id: yearId as never }, { $inc: { 'all.closures': 1000 } });
    expect(await closuresOf(YEAR, { cache: false })).toBe(truth + 1000);
    // A range that is not a whole year reads the months.
    expect(await closuresOf({ from: '2024-01-01', to: '2024-11-30' }, { cache: false })).toBeLessThan(truth);
    await years().updateOne({ _id: yearId as never }, { $inc: { 'all.closures': -1000 } });
    expect(await closuresOf(YEAR, { cache: false })).toBe(truth);
  });

  it('a write after a cached read changes the next read; cleaning its month marks the year, which the next read writes back clean', async () => {
    const before = await closuresOf(YEAR);
    expect(await closuresOf(YEAR)).toBe(before);
    await writeRecord(1, '2024-06-10');
    expect(await closuresOf(YEAR)).toBe(before + 1);
    // The read cleaned June from its days, and marked the year it changed.
    const june = await sys.ctx.models.MonthSum.collection.findOne({
      _id: monthBucketId({ month: '2024-06', ...place }) as never,
    });
    expect(june?.dirty).toBe(false);
    expect((await yearDoc())?.dirty).toBe(true);
    expect(await closuresOf(YEAR, { cache: false })).toBe(before + 1);
    const year = await yearDoc();
    expect(year?.dirty).toBe(false);
    expect(closuresIn(year)).toBe(await monthsClosures());
    for (const filter of FILTERS.slice(0, 4)) await expectRecordsFigures(filter);
  });

  it('a writer that died after its daily count but before marking the month is marked by the repair', async () => {
    const truthBefore = await closuresOf(YEAR, { cache: false });
    const monthId = monthBucketId({ month: '2024-08', ...place });
    const clean = await sys.ctx.models.MonthSum.collection.findOne({ _id: monthId as never });
    expect(clean?.dirty).toBe(false);
    await writeRecord(2, '2024-08-05');
    await sys.ctx.models.MonthSum.collection.replaceOne({ _id: monthId as never }, clean as never);
    await sys.ctx.models.VerifiedScore.collection.updateOne(
      { ticketRef: `Y-${RECORDS + 2}` },
      { $set: { sumsPending: true } },
    );
    expect(await closuresOf(YEAR, { cache: false })).toBe(truthBefore);
    await repairDailySums(sys.ctx.models, { olderThanMs: 0 });
    expect(await closuresOf(YEAR, { cache: false })).toBe(truthBefore + 1);
    expect(await closuresOf(YEAR)).toBe(truthBefore + 1);
    await expectRecordsFigures(YEAR);
  });

  it('a new agent whose first month is still dirty is in the year, and gets a yearly document', async () => {
    const newcomer = { agency: place.agency, department: place.department, agentId: 'agent-new' };
    const doc = {
      ...yearRecord(SHAPE, RECORDS + 50, rng(50)),
      ...newcomer,
      day: '2024-03-03',
      sumsPending: true,
      sumsRev: 1,
    };
    await sys.ctx.models.VerifiedScore.collection.insertOne(doc);
    const written = await sys.ctx.models.VerifiedScore.collection
      .find({ ticketRef: doc.ticketRef }, { projection: SCORE_SUMS_FIELDS })
      .toArray();
    await countScores(sys.ctx, written);
    await expectRecordsFigures(YEAR);
    const id = yearBucketId({ year: '2024', ...newcomer });
    expect(closuresIn(await years().findOne({ _id: id as never }))).toBe(1);
  });

  it('a rebuild leaves the last yearly documents unread until they are built again from its months', async () => {
    const truth = (await buildSummaryFromRecords(sys.ctx.models, YEAR, null, minN)).overall.metrics.closures;
    await years().updateOne({ _id: yearId as never }, { $inc: { 'all.closures': 1000 } });
    expect(await closuresOf(YEAR, { cache: false })).toBe(truth + 1000);
    await rebuildDailySums(sys.ctx.models);
    expect(await closuresOf(YEAR, { cache: false })).toBe(truth);
    expect(closuresIn(await yearDoc())).toBe(await monthsClosures());
    await expectRecordsFigures(YEAR);
  });
});
