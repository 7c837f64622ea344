import { LRUCache } from 'lru-cache';
import type { Models } from '../../db/models/index.js';
import type { ReportFilter } from '../filters.js';
import { groupedSumsFromDailySums, partialSumsOf, storedSums } from '../../scores/sums/daily-sums.js';
import { fieldsOf, groupKey, type Dimension, type GroupedSums } from '../../scores/sums/groups.js';
import { emptySums, mergeSums, type PartialSums } from '../../scores/sums/partial-sums.js';
import { addCounters, monthBucketId, readSumsState, type SumsState } from '../../scores/sums/month-sums.js';
import { pieceBounds, planRange } from './range-plan.js';

/**
 * What reports read: sums per group of a dimension over a filter, from the coarsest sums that cover
 * the range (range-plan.ts: whole months from monthly_sums, the edges from daily_sums), so a year
 * costs what twelve months cost, not what 365 days cost. Answers are cached per (filter,
 * dimension) with the revisions of the months the range touches (month-sums.ts) at the time, and
 * served again only while those are the same: one read by `_id` per request decides, no figure is
 * ever older than the sums it claims to be read from, and a past year stays cached while today's
 * writes go on.
 */

const STORED_COUNTERS = Object.keys(storedSums(emptySums()));

const DIMENSION_ID: Record<Dimension, Record<string, string> | null> = {
  none: null,
  agency: { agency: '$agency' },
  department: { agency: '$agency', department: '$department' },
  agent: { agentId: '$agentId' },
  day: { day: '$day' },
};

interface Row extends Record<string, unknown> {
  _id: { agency?: unknown; department?: unknown; agentId?: unknown; day?: unknown; month?: unknown } | null;
}

function bucketMatch(filter: ReportFilter): Record<string, string> {
  return {
    ...(filter.agency !== undefined ? { agency: filter.agency } : {}),
    ...(filter.department !== undefined ? { department: filter.department } : {}),
    ...(filter.agent !== undefined ? { agentId: filter.agent } : {}),
  };
}

const prefixOf = (filter: ReportFilter) => (filter.channel ? `channels.${filter.channel}` : 'all');

/**
 * Read by month, per-day groups come back as one group per month, labelled by its first day: what
 * a summary by month turns into the month's label all the same (periods.ts periodOf).
 */
function monthAsDay(dimension: Dimension, id: Row['_id'], month?: string): Row['_id'] {
  if (dimension !== 'day') return id;
  const m = month ?? (typeof id?.month === 'string' ? id.month : undefined);
  return m === undefined ? id : { ...id, day: `${m}-01` };
}

function addGroup(out: GroupedSums, dimension: Dimension, id: Row['_id'], sums: PartialSums): void {
  const fields = fieldsOf(dimension, id ?? {});
  const key = groupKey(fields);
  const entry = out.get(key);
  if (entry) mergeSums(entry.sums, sums);
  else out.set(key, { fields, sums });
}

/**
 * The month buckets of `months` under the filter but those found dirty (read from their days),
 * added up per group in the database. A bucket marked dirty since that list was read is still
 * read here: its count raises the revision after marking, so this answer is cached under the
 * revision before that count, and the next read computes again.
 */
async function fromMonths(
  models: Models,
  filter: ReportFilter,
  months: string[],
  dirtyIds: string[],
  dimension: Dimension,
  out: GroupedSums,
): Promise<void> {
  if (months.length === 0) return;
  const prefix = prefixOf(filter);
  const rows = await models.MonthSum.collection
    .aggregate<Row & { _id: { month?: unknown } | null }>([
      {
        $match: {
          month: { $in: months },
          ...bucketMatch(filter),
          ...(dirtyIds.length > 0 ? { _id: { $nin: dirtyIds } } : {}),
        },
      },
      {
        $group: {
          _id: dimension === 'day' ? { month: '$month' } : DIMENSION_ID[dimension],
          ...Object.fromEntries(STORED_COUNTERS.map((k) => [k, { $sum: `$${prefix}.${k}` }])),
        },
      },
    ])
    .toArray();
  for (const row of rows) addGroup(out, dimension, monthAsDay(dimension, row._id), partialSumsOf(row));
}

interface DirtyBucket {
  _id: string;
  month: string;
  agency: string;
  department: string;
  agentId: string;
  gen: number;
}

/**
 * The dirty month buckets under the filter, read from their days: their sums go into the answer,
 * and back into the bucket, cleaning it, if no count has marked it again since its `gen` was read
 * (read first, so the days read are at least as new as that `gen`).
 */
async function fromDirtyMonths(
  models: Models,
  filter: ReportFilter,
  dirty: DirtyBucket[],
  dimension: Dimension,
  out: GroupedSums,
): Promise<void> {
  const byMonth = new Map<string, DirtyBucket[]>();
  for (const d of dirty) byMonth.set(d.month, [...(byMonth.get(d.month) ?? []), d]);
  const prefix = prefixOf(filter);
  for (const [month, buckets] of byMonth) {
    const { from, to } = pieceBounds({ kind: 'month', month });
    const wanted = new Map(buckets.map((b) => [b._id, b]));
    const rows = await models.DailySum.collection
      .aggregate<{
        _id: { agency: string; department: string; agentId: string };
        all?: unknown;
        channels?: unknown;
      }>([
        {
          $match: {
            day: { $gte: from, $lte: to },
            ...bucketMatch(filter),
            ...(buckets.length === 1 && buckets[0] ? { agentId: buckets[0].agentId } : {}),
          },
        },
        { $project: { agency: 1, department: 1, agentId: 1, all: 1, channels: 1 } },
        {
          $group: {
            _id: { agency: '$agency', department: '$department', agentId: '$agentId' },
            docs: { $push: { all: '$all', channels: '$channels' } },
          },
        },
      ])
      .toArray();
    const writes = [];
    for (const row of rows) {
      const id = monthBucketId({ month, ...row._id });
      const bucket = wanted.get(id);
      if (!bucket) continue;
      const sums: Record<string, unknown> = { all: {} };
      for (const doc of (row as unknown as { docs: unknown[] }).docs) addCounters(sums, doc);
      const counters = (
        prefix === 'all'
          ? sums.all
          : (sums.channels as Record<string, unknown> | undefined)?.[filter.channel ?? '']
      ) as Record<string, unknown> | undefined;
      addGroup(out, dimension, monthAsDay(dimension, row._id, month), partialSumsOf(counters ?? {}));
      writes.push({
        updateOne: {
          filter: { _id: id as never, gen: bucket.gen },
          update: {
            $set: { all: sums.all, ...(sums.channels ? { channels: sums.channels } : {}), dirty: false },
          },
        },
      });
      wanted.delete(id);
    }
    // A dirty bucket with no day left (its records gone) sums to nothing.
    for (const bucket of wanted.values())
      writes.push({
        updateOne: {
          filter: { _id: bucket._id as never, gen: bucket.gen },
          update: { $set: { all: {}, dirty: false }, $unset: { channels: '' } },
        },
      });
    if (writes.length > 0) await models.MonthSum.collection.bulkWrite(writes, { ordered: false });
  }
}

async function compute(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
  monthsBuilt: boolean,
  byMonth: boolean,
): Promise<GroupedSums> {
  // Per-day groups need the days, unless only months are asked for; before a rebuild has written
  // every month, only the days are whole.
  if ((dimension === 'day' && !byMonth) || !monthsBuilt)
    return groupedSumsFromDailySums(models, filter, dimension);
  const pieces = planRange(filter.from, filter.to);
  const months = pieces.flatMap((p) => (p.kind === 'month' ? [p.month] : []));
  const out: GroupedSums = new Map();
  const dirty =
    months.length === 0
      ? []
      : ((await models.MonthSum.collection
          .find(
            { month: { $in: months }, dirty: true, ...bucketMatch(filter) },
            { projection: { month: 1, agency: 1, department: 1, agentId: 1, gen: 1 } },
          )
          .toArray()) as unknown as DirtyBucket[]);
  await Promise.all([
    fromMonths(
      models,
      filter,
      months,
      dirty.map((d) => d._id),
      dimension,
      out,
    ),
    ...pieces.flatMap((p) =>
      p.kind === 'days'
        ? [
            groupedSumsFromDailySums(models, { ...filter, from: p.from, to: p.to }, dimension).then((g) => {
              for (const { fields, sums } of g.values()) {
                const entry = out.get(groupKey(fields));
                if (entry) mergeSums(entry.sums, sums);
                else out.set(groupKey(fields), { fields, sums });
              }
            }),
          ]
        : [],
    ),
  ]);
  if (dirty.length > 0) await fromDirtyMonths(models, filter, dirty, dimension, out);
  // As the daily read: no closures is no group.
  for (const [key, { sums }] of out) if (!(sums.closures > 0)) out.delete(key);
  return out;
}

interface Cached {
  /** The revision of each month the range touches, and the epoch, when it was computed. */
  stamp: string;
  sums: GroupedSums;
}

function stampOf(state: SumsState, filter: ReportFilter): string {
  const months: string[] = [];
  let [y, m] = filter.from.split('-').map(Number) as [number, number];
  const last = filter.to.slice(0, 7);
  for (let month = filter.from.slice(0, 7); month <= last;) {
    months.push(month);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
    month = `${y}-${String(m).padStart(2, '0')}`;
  }
  return JSON.stringify([state.epoch, state.monthsBuilt, months.map((m) => state.months[m] ?? 0)]);
}

const caches = new WeakMap<Models, LRUCache<string, Cached>>();

function cacheOf(models: Models): LRUCache<string, Cached> {
  let cache = caches.get(models);
  if (!cache) caches.set(models, (cache = new LRUCache<string, Cached>({ max: 500 })));
  return cache;
}

function copy(sums: GroupedSums): GroupedSums {
  return new Map(
    [...sums].map(([k, { fields, sums: s }]) => [
      k,
      { fields: { ...fields }, sums: mergeSums(emptySums(), s) },
    ]),
  );
}

export interface RangedOptions {
  /** Skip the cache (the records-agree test reads both ways). */
  cache?: boolean;
  /** With the 'day' dimension: only months are wanted (a summary by month), so whole months come as one group each. */
  byMonth?: boolean;
}

/** Sums per group of the dimension over the filter, as reports read them (see the module comment). */
export async function rangedGroupedSums(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
  opts: RangedOptions = {},
): Promise<GroupedSums> {
  const state = await readSumsState(models);
  const byMonth = opts.byMonth === true && dimension === 'day';
  if (opts.cache === false) return compute(models, filter, dimension, state.monthsBuilt, byMonth);
  const key = JSON.stringify([
    filter.from,
    filter.to,
    filter.agency ?? null,
    filter.department ?? null,
    filter.agent ?? null,
    filter.channel ?? null,
    dimension,
    byMonth,
  ]);
  const cache = cacheOf(models);
  const hit = cache.get(key);
  const stamp = stampOf(state, filter);
  if (hit && hit.stamp === stamp) return copy(hit.sums);
  // Computed after the revisions were read: at least as new as the stamp it is stored under.
  const sums = await compute(models, filter, dimension, state.monthsBuilt, byMonth);
  cache.set(key, { stamp, sums: copy(sums) });
  return sums;
}
