import type { mongo } from 'mongoose';
import { isOnlyDuplicateKeys } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';

/**
 * Per-month sums (monthly_sums), kept in step with the daily ones (daily-sums.ts) without
 * transactions, and the sums' revision that the read cache (ranged-sums.ts) is checked against.
 *
 * A month bucket's counters are the sum of its daily buckets, computed from them, never
 * incremented: a score's daily count is one conditional update, but an unordered bulk of them does
 * not say which matched, and a writer can die between its daily write and any second write; an
 * increment lost or doubled there would stay wrong until a rebuild. Instead every count marks the
 * month bucket dirty (`dirty: true`, `$inc gen`) after its daily write, and every sums write raises
 * the revision after that. A reader never uses a dirty bucket: it reads that month from the daily
 * sums and writes the month's sums back at the `gen` it read before, only if `gen` has not moved
 * since (a later count re-marks it). So a clean bucket always equals the sum of its days, a crashed
 * writer's mark is made by whoever counts its pending score again, and marking twice costs a
 * recomputation, never a wrong figure. Months that nobody writes to any more (all but the last one
 * or two) stay clean, so a year is read as twelve documents per agent.
 */

/** Derived, so two writers of a bucket that starts empty upsert the same document. */
export function monthBucketId(b: {
  month: string;
  agency: string;
  department: string;
  agentId: string;
}): string {
  return JSON.stringify([b.month, b.agency, b.department, b.agentId]);
}

export const monthOf = (day: string): string => day.slice(0, 7);

const META_ID = 'sums';

interface SumsMeta {
  _id: string;
  /** Raised by every write of the sums (daily or monthly), after it. */
  rev?: number;
  /**
   * Per local month (YYYY-MM): raised by every write of that month's sums, after it. A cached
   * answer depends on the months its range touches only, so a year nobody writes to any more stays
   * cached while today's writes go on.
   */
  months?: Record<string, number>;
  /** Raised by every rebuild (which rewrites every month at once). */
  epoch?: number;
  /**
   * Set by a rebuild, which writes every month bucket: before it, months that existed before the
   * monthly sums did have no document, so every range is read from the daily sums.
   */
  monthsBuilt?: boolean;
  /**
   * Per calendar year (YYYY): the epoch in which the reports' read path built that year's yearly
   * sums from its months (src/reports/sums/year-sums.ts); another epoch's yearly sums are not read.
   */
  years?: Record<string, number>;
}

function metaCollection(models: Models): mongo.Collection<SumsMeta> {
  return models.DailySum.db.collection<SumsMeta>('sums_meta');
}

export interface SumsState {
  rev: number;
  epoch: number;
  months: Record<string, number>;
  monthsBuilt: boolean;
  years: Record<string, number>;
}

/** One read by `_id`: what the cache checks before answering. */
export async function readSumsState(models: Models): Promise<SumsState> {
  const meta = await metaCollection(models).findOne({ _id: META_ID });
  return {
    rev: meta?.rev ?? 0,
    epoch: meta?.epoch ?? 0,
    months: meta?.months ?? {},
    monthsBuilt: meta?.monthsBuilt === true,
    years: meta?.years ?? {},
  };
}

/**
 * Raises the revision of these months (and the overall one); with `rebuilt`, of everything: the
 * epoch, and marks the months as built.
 */
export async function bumpSumsRevision(
  models: Models,
  opts: { months?: Iterable<string>; rebuilt?: boolean } = {},
): Promise<void> {
  const inc: Record<string, number> = { rev: 1 };
  for (const m of opts.months ?? []) inc[`months.${m}`] = 1;
  if (opts.rebuilt) inc.epoch = 1;
  await metaCollection(models).updateOne(
    { _id: META_ID },
    { $inc: inc, ...(opts.rebuilt ? { $set: { monthsBuilt: true } } : {}) },
    { upsert: true },
  );
}

/** Records that a year's yearly sums were built in this epoch, unless a rebuild has raised it since. */
export async function markYearBuilt(models: Models, year: string, epoch: number): Promise<void> {
  await metaCollection(models).updateOne({ _id: META_ID, epoch }, { $set: { [`years.${year}`]: epoch } });
}

export interface MonthBucketKey {
  day: string;
  agency: string;
  department: string;
  agentId: string;
}

/**
 * Marks the month buckets of these daily buckets dirty and raises the revision: what every count
 * calls after its daily write (and again when it finds the score already counted, since the writer
 * that counted it may have died before marking).
 */
export async function markMonths(models: Models, buckets: Iterable<MonthBucketKey>): Promise<void> {
  const months = new Map<string, { month: string; agency: string; department: string; agentId: string }>();
  for (const b of buckets) {
    const key = { month: monthOf(b.day), agency: b.agency, department: b.department, agentId: b.agentId };
    months.set(monthBucketId(key), key);
  }
  if (months.size === 0) return;
  const ops = [...months].map(([id, key]) => ({
    updateOne: {
      filter: { _id: id as never },
      update: { $setOnInsert: key, $set: { dirty: true }, $inc: { gen: 1 } },
      upsert: true,
    },
  }));
  const coll = models.MonthSum.collection;
  try {
    await coll.bulkWrite(ops, { ordered: false });
  } catch (err) {
    // Two writers created one bucket at once: the loser's mark is an update now.
    if (!isOnlyDuplicateKeys(err)) throw err;
    await coll.bulkWrite(ops, { ordered: false });
  }
  await bumpSumsRevision(models, { months: new Set([...months.values()].map((k) => k.month)) });
}

/** Adds nested numeric counters (`all.*`, `channels.<c>.*`) of `from` into `into`. */
export function addCounters(into: Record<string, unknown>, from: unknown): void {
  if (typeof from !== 'object' || from === null) return;
  for (const [k, v] of Object.entries(from as Record<string, unknown>)) {
    if (typeof v === 'number') into[k] = (typeof into[k] === 'number' ? into[k] : 0) + v;
    else if (typeof v === 'object' && v !== null) {
      const sub = (into[k] ??= {}) as Record<string, unknown>;
      addCounters(sub, v);
    }
  }
}

/**
 * Writes every month bucket from the daily buckets' counters (what a rebuild computed), clean at
 * `gen` 0. A bucket a live writer has marked since the rebuild began already exists, dirty: it is
 * left so, and the next read recomputes it.
 */
export async function writeMonthsFromDays(
  models: Models,
  days: Iterable<{ bucket: MonthBucketKey; counters: Record<string, unknown> }>,
): Promise<number> {
  const months = new Map<string, Record<string, unknown>>();
  for (const { bucket, counters } of days) {
    const key = {
      month: monthOf(bucket.day),
      agency: bucket.agency,
      department: bucket.department,
      agentId: bucket.agentId,
    };
    const id = monthBucketId(key);
    let doc = months.get(id);
    if (!doc) months.set(id, (doc = { _id: id, ...key, all: {}, dirty: false, gen: 0 }));
    addCounters(doc, counters);
  }
  const docs = [...months.values()];
  for (let i = 0; i < docs.length; i += 5000) {
    try {
      await models.MonthSum.collection.insertMany(docs.slice(i, i + 5000), { ordered: false });
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
    }
  }
  return docs.length;
}
