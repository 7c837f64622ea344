import { isOnlyDuplicateKeys } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';
import type { ReportFilter } from '../filters.js';
import { groupedSumsFromDailySums, partialSumsOf } from '../../scores/sums/daily-sums.js';
import { fieldsOf, groupKey, type Dimension, type GroupedSums } from '../../scores/sums/groups.js';
import { mergeSums, type PartialSums } from '../../scores/sums/partial-sums.js';
import { addCounters } from '../../scores/sums/month-sums.js';
import { pieceBounds } from './range-plan.js';

/**
 * How the reports read the stored sums: indexed finds that name each query's most selective field
 * by a plain value (a day, a month, a year, an agent), summed here, rather than one `$match` +
 * `$group` in the database. Why: mongo-java-server runs an aggregation over the whole collection
 * whatever its `$match` (730,000 daily documents for any national read), and its non-unique indexes
 * serve only a plain value of their first field; on MongoDB the same finds are served by the
 * compound indexes of daily_sums, monthly_sums and yearly_sums. What travels is what the view sums:
 * one document per agent and piece, projected to the counters it reads.
 */

export interface BucketKeys {
  agency: string;
  department: string;
  agentId: string;
}

export interface SumsDoc extends BucketKeys {
  _id: string;
  day?: string;
  month?: string;
  year?: string;
  all?: Record<string, unknown>;
  channels?: Record<string, Record<string, unknown>>;
  dirty?: boolean;
  gen?: number;
  epoch?: number;
}

export function bucketMatch(filter: ReportFilter): Record<string, string> {
  return {
    ...(filter.agency !== undefined ? { agency: filter.agency } : {}),
    ...(filter.department !== undefined ? { department: filter.department } : {}),
    ...(filter.agent !== undefined ? { agentId: filter.agent } : {}),
  };
}

/** An agent's place: what a monthly and a yearly document of the same bucket share. */
export const placeKey = (b: BucketKeys): string => JSON.stringify([b.agency, b.department, b.agentId]);

/** The projection of the counters a filter reads (`whole`: every counter, to write them back). */
export function countersProjection(filter: ReportFilter, whole = false): Record<string, 1> {
  if (whole) return { all: 1, channels: 1 };
  return filter.channel ? { [`channels.${filter.channel}`]: 1 } : { all: 1 };
}

export const KEYS_PROJECTION = { agency: 1, department: 1, agentId: 1 } as const;

/** The stored counters of a document under the filter (overall, or of its channel). */
export function countersOf(doc: SumsDoc, filter: ReportFilter): Record<string, unknown> {
  if (filter.channel) return doc.channels?.[filter.channel] ?? {};
  return doc.all ?? {};
}

/**
 * Read by month, per-day groups come back as one group per month, labelled by its first day: what
 * a summary by month turns into the month's label all the same (periods.ts periodOf).
 */
function groupId(dimension: Dimension, doc: SumsDoc): Record<string, unknown> {
  if (dimension === 'day' && doc.day === undefined && doc.month !== undefined)
    return { ...doc, day: `${doc.month}-01` };
  return doc as unknown as Record<string, unknown>;
}

export function addGroup(out: GroupedSums, dimension: Dimension, doc: SumsDoc, sums: PartialSums): void {
  const fields = fieldsOf(dimension, groupId(dimension, doc));
  const key = groupKey(fields);
  const entry = out.get(key);
  if (entry) mergeSums(entry.sums, sums);
  else out.set(key, { fields, sums });
}

/** Runs `fn` over the items, at most `width` at a time. */
export async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/**
 * The monthly documents of these months under the filter, clean or dirty (with their `gen`): by
 * agent with the agent's own index when the filter names one, else one find per month.
 */
export async function findMonths(
  models: Models,
  filter: ReportFilter,
  months: string[],
  whole = false,
): Promise<SumsDoc[]> {
  if (months.length === 0) return [];
  const coll = models.MonthSum.collection;
  const projection = { ...KEYS_PROJECTION, month: 1, dirty: 1, gen: 1, ...countersProjection(filter, whole) };
  const match = bucketMatch(filter);
  if (filter.agent !== undefined)
    return (await coll
      .find({ agentId: filter.agent, month: { $in: months }, ...match }, { projection })
      .toArray()) as unknown as SumsDoc[];
  const out: SumsDoc[] = [];
  await inBatches(months, 4, async (month) => {
    const docs = await coll.find({ month, ...match }, { projection }).toArray();
    out.push(...(docs as unknown as SumsDoc[]));
  });
  return out;
}

/** Adds the clean monthly documents to `out`, and the dirty ones read from their days. */
export async function addMonths(
  models: Models,
  filter: ReportFilter,
  docs: SumsDoc[],
  dimension: Dimension,
  out: GroupedSums,
): Promise<void> {
  const dirty: SumsDoc[] = [];
  for (const doc of docs) {
    if (doc.dirty) dirty.push(doc);
    else addGroup(out, dimension, doc, partialSumsOf(countersOf(doc, filter)));
  }
  if (dirty.length > 0) await fromDirtyMonths(models, filter, dirty, dimension, out);
}

/** Derived, so two writers of a bucket that starts empty upsert the same document. */
export function yearBucketId(b: { year: string } & BucketKeys): string {
  return JSON.stringify([b.year, b.agency, b.department, b.agentId]);
}

/**
 * Marks the yearly documents of these monthly ones dirty (creating them if need be): done before a
 * month's counters are written back, so a yearly document summed from the month as it was is never
 * taken for clean after (year-sums.ts).
 */
export async function markYears(models: Models, months: SumsDoc[]): Promise<void> {
  const years = new Map<string, { year: string } & BucketKeys>();
  for (const m of months) {
    const key = {
      year: (m.month ?? '').slice(0, 4),
      agency: m.agency,
      department: m.department,
      agentId: m.agentId,
    };
    years.set(yearBucketId(key), key);
  }
  if (years.size === 0) return;
  const ops = [...years].map(([id, key]) => ({
    updateOne: {
      filter: { _id: id as never },
      update: { $setOnInsert: key, $set: { dirty: true }, $inc: { gen: 1 } },
      upsert: true,
    },
  }));
  try {
    await models.YearSum.collection.bulkWrite(ops, { ordered: false });
  } catch (err) {
    // Two readers created one yearly document at once: the loser's mark is an update now.
    if (!isOnlyDuplicateKeys(err)) throw err;
    await models.YearSum.collection.bulkWrite(ops, { ordered: false });
  }
}

/**
 * The dirty monthly buckets read from their days (each agent's own days, by the agent's index): their
 * sums go into the answer, and back into the bucket, cleaning it, if no count has marked it again
 * since its `gen` was read (read first, so the days read are at least as new as that `gen`). The
 * bucket's year is marked before (markYears).
 */
export async function fromDirtyMonths(
  models: Models,
  filter: ReportFilter,
  dirty: SumsDoc[],
  dimension: Dimension,
  out: GroupedSums,
): Promise<void> {
  const results: { bucket: SumsDoc; sums: Record<string, unknown> }[] = [];
  await inBatches(dirty, 8, async (bucket) => {
    const { from, to } = pieceBounds({ kind: 'month', month: bucket.month ?? '' });
    const days = await models.DailySum.collection
      .find(
        {
          agentId: bucket.agentId,
          day: { $gte: from, $lte: to },
          agency: bucket.agency,
          department: bucket.department,
        },
        { projection: { all: 1, channels: 1 } },
      )
      .toArray();
    const sums: Record<string, unknown> = { all: {} };
    for (const day of days as unknown as SumsDoc[])
      addCounters(sums, { all: day.all ?? {}, channels: day.channels ?? {} });
    results.push({ bucket, sums });
  });
  await markYears(models, dirty);
  const writes = [];
  for (const { bucket, sums } of results) {
    addGroup(out, dimension, bucket, partialSumsOf(countersOf(sums as unknown as SumsDoc, filter)));
    const channels = sums.channels as Record<string, unknown> | undefined;
    writes.push({
      updateOne: {
        filter: { _id: bucket._id as never, gen: bucket.gen },
        // A bucket with no day left (its records gone) sums to nothing.
        update: channels
          ? { $set: { all: sums.all, channels, dirty: false } }
          : { $set: { all: sums.all, dirty: false }, $unset: { channels: '' } },
      },
    });
  }
  if (writes.length > 0) await models.MonthSum.collection.bulkWrite(writes, { ordered: false });
}

/**
 * The daily documents from..to under the filter, added to `out`: an agent's, a department's or an
 * agency's by the index led by that field; a national range in one `$match` + `$group`
 * (daily-sums.ts), as before: per-day finds of a national day's 2,000 documents were not shown to
 * be faster, and one full-size run answered a rolling year read that way with an error (issue 29).
 */
export async function fromDays(
  models: Models,
  filter: ReportFilter,
  from: string,
  to: string,
  dimension: Dimension,
  out: GroupedSums,
): Promise<void> {
  // The find names its most selective field with a plain value (an agent, else a department, else
  // an agency): a department's month is its 50 agents' days, not a pass over every agent's. A
  // national range still groups in the database, which sends back a group per row shown instead
  // of the 2,000 agents' documents of every day.
  const scope =
    filter.agent !== undefined
      ? { agentId: filter.agent }
      : filter.department !== undefined
        ? { department: filter.department }
        : filter.agency !== undefined
          ? { agency: filter.agency }
          : undefined;
  if (scope === undefined) {
    for (const { fields, sums } of (
      await groupedSumsFromDailySums(models, { ...filter, from, to }, dimension)
    ).values()) {
      const key = groupKey(fields);
      const entry = out.get(key);
      if (entry) mergeSums(entry.sums, sums);
      else out.set(key, { fields, sums });
    }
    return;
  }
  const projection = { ...KEYS_PROJECTION, day: 1, ...countersProjection(filter) };
  const docs = await models.DailySum.collection
    .find({ ...scope, day: { $gte: from, $lte: to }, ...bucketMatch(filter) }, { projection })
    .toArray();
  for (const doc of docs as unknown as SumsDoc[])
    addGroup(out, dimension, doc, partialSumsOf(countersOf(doc, filter)));
}
