import type { UpdateQuery } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { CHANNELS, type Channel } from '../db/models/followup.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../log.js';
import type { ReportFilter } from './filters.js';
import { fieldsOf, groupKey, type Dimension, type GroupedSums } from './groups.js';
import { addCell, emptySums, type PartialSums } from './metrics.js';
import { CELL_GROUP, cellOf, type CellId } from './record-sums.js';

/**
 * Per-day partial sums: one `daily_sums` document per bucket (local day, agency, department, agent)
 * holding the PartialSums of the bucket's records, overall and per answer channel. Reports add up
 * these documents instead of aggregating the records, so a report costs what its number of buckets
 * costs (days × agents in range), whatever the number of records.
 *
 * The documents hold PartialSums rather than the cells (combinations of solved, rating, post-call
 * rating, sent, delivered) the records are grouped into: addCell is linear in the cell's count, so
 * the sums of the cells' sums are the sums of all the cells, exactly, and a bucket stays a fixed
 * few dozen integers however many distinct cells its records fall into. A metric that needs a new
 * counter adds it to PartialSums and runs `npm run sums:rebuild`.
 *
 * Kept in step without transactions or locks (MongoDB in production has no multi-document atomicity
 * here, and none is needed):
 *   1. a writer sets `sumsPending: true` in the same atomic update that changes a score
 *      (`markSumsPending`, `SUMS_PENDING`), then calls `refreshSumsOfScores` for the scores it wrote;
 *   2. a refresh (a) bumps the bucket's `seq` and marks it `stale`, getting seq s; (b) clears
 *      `sumsPending` on the bucket's scores; (c) aggregates the bucket's records; (d) writes the sums
 *      only if `seq` is still s, clearing `stale`.
 * Why it converges: any score write that lands before (b) is read by (c); one that lands after (b)
 * sets the flag again and its writer's own refresh starts (a) after ours, so it reads that write, and
 * ours then finds `seq` moved on and leaves the write to it. A refresh that loses at (d) never
 * overwrites a newer result, so the last refresh to start is the one whose result stays. A writer
 * that dies after its write leaves `sumsPending`; a refresh that dies after (a) leaves `stale` (a
 * date, so the sweep can tell a crashed refresh from one in flight); `repairDailySums` refreshes
 * both. Every step is idempotent, so repeating any of them (a retried job, two sweeps) is harmless.
 */

export interface SumsBucket {
  day: string;
  agency: string;
  department: string;
  agentId: string;
}

/** Sums of one bucket. */
export interface BucketSums {
  all: PartialSums;
  channels: Partial<Record<Channel, PartialSums>>;
}

/**
 * PartialSums as stored: one flat number per counter (the rating histograms as rating1..rating5,
 * postCall1..postCall5), so a report is one `$group` with `$sum` per counter in the database and
 * only the groups travel to the app.
 */
type StoredSums = Record<string, number>;

const SCALAR_COUNTERS = [
  'closures',
  'sent',
  'delivered',
  'answers',
  'solvedAnswered',
  'solvedYes',
  'solvedNo',
  'ratings',
  'ratingSum',
  'ratingHigh',
  'postCallRatings',
  'postCallSum',
  'postCallAndSolved',
  'brushOffs',
] as const satisfies readonly (keyof PartialSums)[];
const HISTOGRAMS = [
  ['ratingCounts', 'rating'],
  ['postCallCounts', 'postCall'],
] as const satisfies readonly (readonly [keyof PartialSums, string])[];
const STORED_COUNTERS: readonly string[] = [
  ...SCALAR_COUNTERS,
  ...HISTOGRAMS.flatMap(([, prefix]) => [1, 2, 3, 4, 5].map((r) => `${prefix}${r}`)),
];

export function storedSums(p: PartialSums): StoredSums {
  const out: StoredSums = {};
  for (const k of SCALAR_COUNTERS) out[k] = p[k];
  for (const [field, prefix] of HISTOGRAMS) p[field].forEach((n, i) => (out[`${prefix}${i + 1}`] = n));
  return out;
}

export function partialSumsOf(stored: Record<string, unknown>): PartialSums {
  const num = (k: string): number => {
    const v = stored[k];
    return typeof v === 'number' ? v : 0;
  };
  const p = emptySums();
  for (const k of SCALAR_COUNTERS) p[k] = num(k);
  for (const [field, prefix] of HISTOGRAMS)
    p[field] = [1, 2, 3, 4, 5].map((r) => num(`${prefix}${r}`)) as PartialSums[typeof field];
  return p;
}

export interface SumsContext {
  models: Models;
  log: Logger;
}

/** Fields a score write sets beside its own, in the same atomic update (creates spread it in). */
export const SUMS_PENDING = { sumsPending: true } as const;

/** The score update with the pending flag added to its `$set`: use for every update of a score. */
export function markSumsPending<T>(update: UpdateQuery<T>): UpdateQuery<T> {
  return { ...update, $set: { ...(update.$set ?? {}), ...SUMS_PENDING } };
}

const BUCKET_PROJECTION = { _id: 1, day: 1, agency: 1, department: 1, agentId: 1 } as const;

export function bucketOf(score: {
  _id?: unknown;
  day?: unknown;
  agency?: unknown;
  department?: unknown;
  agentId?: unknown;
}): SumsBucket {
  const { day, agency, department, agentId } = score;
  if (
    typeof day !== 'string' ||
    typeof agency !== 'string' ||
    typeof department !== 'string' ||
    typeof agentId !== 'string'
  ) {
    throw new Error(
      `score ${String(score._id)} has no complete daily-sums bucket: ${JSON.stringify({ day, agency, department, agentId })}`,
    );
  }
  return { day, agency, department, agentId };
}

/** Derived, so two refreshes of a bucket that starts empty upsert the same document. */
export function bucketId(b: SumsBucket): string {
  return JSON.stringify([b.day, b.agency, b.department, b.agentId]);
}

function uniqueBuckets(buckets: Iterable<SumsBucket>): SumsBucket[] {
  const byId = new Map<string, SumsBucket>();
  for (const b of buckets) byId.set(bucketId(b), b);
  return [...byId.values()];
}

/** Runs `fn` over the items, at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

/** Step (a): a new seq for the bucket, and the mark that a refresh is in flight. */
async function claim(models: Models, b: SumsBucket, now: Date): Promise<number> {
  const run = () =>
    models.DailySum.collection.findOneAndUpdate(
      { _id: bucketId(b) as never },
      { $inc: { seq: 1 }, $set: { ...b, stale: now } },
      { upsert: true, returnDocument: 'after' },
    );
  // Two upserts of a new bucket can both try to insert; the loser finds the document on a retry.
  const doc = await run().catch((err: unknown) => {
    if (isDuplicateKey(err)) return run();
    throw err;
  });
  const seq: unknown = doc?.seq;
  if (typeof seq !== 'number') throw new Error(`daily sums ${bucketId(b)}: claim returned no seq`);
  return seq;
}

/** Matches exactly the records of the buckets, all of one day. */
function bucketsMatch(day: string, buckets: SumsBucket[]): Record<string, unknown> {
  const dims = buckets.map((b) => ({ agency: b.agency, department: b.department, agentId: b.agentId }));
  return dims.length === 1 ? { day, ...dims[0] } : { day, $or: dims };
}

interface BucketCellRow {
  _id: CellId & { day?: unknown; agency?: unknown; department?: unknown; agentId?: unknown; c?: unknown };
  n: number;
}

const KNOWN_CHANNELS: ReadonlySet<string> = new Set(CHANNELS);

/** Sums per bucket of the records matching `match`, aggregated from the records. */
export async function bucketSumsFromRecords(
  models: Models,
  match: Record<string, unknown>,
): Promise<Map<string, { bucket: SumsBucket; sums: BucketSums }>> {
  const rows = await models.VerifiedScore.collection
    .aggregate<BucketCellRow>([
      { $match: match },
      {
        $group: {
          _id: {
            day: '$day',
            agency: '$agency',
            department: '$department',
            agentId: '$agentId',
            c: '$channel',
            ...CELL_GROUP,
          },
          n: { $sum: 1 },
        },
      },
    ])
    .toArray();
  const out = new Map<string, { bucket: SumsBucket; sums: BucketSums }>();
  for (const row of rows) {
    const bucket = bucketOf(row._id);
    const id = bucketId(bucket);
    let entry = out.get(id);
    if (!entry) {
      entry = { bucket, sums: { all: emptySums(), channels: {} } };
      out.set(id, entry);
    }
    const cell = cellOf(row._id, row.n);
    addCell(entry.sums.all, cell);
    // The channel filter of a report matches the channel exactly; no filter can name another value.
    if (typeof row._id.c === 'string' && KNOWN_CHANNELS.has(row._id.c)) {
      const channel = row._id.c as Channel;
      addCell((entry.sums.channels[channel] ??= emptySums()), cell);
    }
  }
  return out;
}

/** Steps (a)–(d) for buckets of one day, with one clear, one aggregation and one bulk write. */
async function refreshDay(models: Models, day: string, buckets: SumsBucket[]): Promise<number> {
  const now = new Date();
  const seqs = new Map<string, number>();
  await eachLimited(buckets, 16, async (b) => {
    seqs.set(bucketId(b), await claim(models, b, now));
  });
  const match = bucketsMatch(day, buckets);
  // Cleared before aggregating: a write landing after this sets the flag again and refreshes itself.
  await models.VerifiedScore.collection.updateMany(
    { ...match, sumsPending: true },
    { $unset: { sumsPending: '' } },
  );
  const computed = await bucketSumsFromRecords(models, match);
  const result = await models.DailySum.collection.bulkWrite(
    buckets.map((b) => {
      const id = bucketId(b);
      const seq = seqs.get(id);
      const sums = computed.get(id)?.sums ?? { all: emptySums(), channels: {} };
      return {
        updateOne: {
          // Only if no refresh started since ours: that one read at least what we read.
          filter: { _id: id as never, seq },
          update: {
            $set: {
              all: storedSums(sums.all),
              channels: Object.fromEntries(Object.entries(sums.channels).map(([c, p]) => [c, storedSums(p)])),
              computedSeq: seq,
              computedAt: new Date(),
            },
            $unset: { stale: '' },
          },
        },
      };
    }),
    { ordered: false },
  );
  return result.matchedCount;
}

/**
 * Recomputes the buckets from their records (steps a–d). Returns how many buckets it wrote; the
 * others were overtaken by a refresh that started later and writes instead.
 */
export async function refreshDailySums(models: Models, buckets: SumsBucket | SumsBucket[]): Promise<number> {
  const byDay = new Map<string, SumsBucket[]>();
  for (const b of uniqueBuckets(Array.isArray(buckets) ? buckets : [buckets])) {
    byDay.set(b.day, [...(byDay.get(b.day) ?? []), b]);
  }
  let written = 0;
  for (const [day, list] of byDay) written += await refreshDay(models, day, list);
  return written;
}

/**
 * What a writer calls after its score write: refreshes the buckets of the scores matching `filter`
 * (`{ _id }` of the score written, or e.g. `{ ticketRef }` after an updateMany). A failure here does
 * not undo or fail the write that preceded it: it is logged, and the flags the protocol leaves
 * (`sumsPending` if we failed before clearing it, `stale` after) let `repairDailySums` finish it.
 */
export async function refreshSumsOfScores(ctx: SumsContext, filter: Record<string, unknown>): Promise<void> {
  try {
    const scores = await ctx.models.VerifiedScore.find(filter).select(BUCKET_PROJECTION).lean();
    if (scores.length > 0) await refreshDailySums(ctx.models, scores.map(bucketOf));
  } catch (err) {
    ctx.log.warn(
      { err, filter },
      'daily sums not refreshed after a score write; the repair sweep will do it',
    );
  }
}

/**
 * One bucket's refresh for a writer that knows its score's bucket (it got the score back from its
 * own update, so no read is needed), coalesced per process: a refresh already in flight may have
 * read the records before this writer's write, so the writer waits for the next one, and every
 * writer that arrives while that next one is still queued shares it. Under load a busy bucket (one
 * agent's day) is then refreshed about twice at a time, not once per write. Fails like
 * `refreshSumsOfScores`: logged, left to the repair sweep.
 */
export async function refreshBucket(ctx: SumsContext, score: Parameters<typeof bucketOf>[0]): Promise<void> {
  try {
    const bucket = bucketOf(score);
    await coalesced(flightsOf(ctx.models), bucketId(bucket), () =>
      refreshDailySums(ctx.models, bucket).then(() => undefined),
    );
  } catch (err) {
    ctx.log.warn({ err }, 'daily sums not refreshed after a score write; the repair sweep will do it');
  }
}

/** The scores' bucket fields, for an update that returns the score it wrote. */
export const SCORE_BUCKET_FIELDS = BUCKET_PROJECTION;

interface Flight {
  current: Promise<void>;
  next: Promise<void> | undefined;
}
const flightsByDb = new WeakMap<Models, Map<string, Flight>>();
function flightsOf(models: Models): Map<string, Flight> {
  let flights = flightsByDb.get(models);
  if (!flights) flightsByDb.set(models, (flights = new Map<string, Flight>()));
  return flights;
}

function coalesced(flights: Map<string, Flight>, key: string, run: () => Promise<void>): Promise<void> {
  const settle = (flight: Flight, p: Promise<void>) =>
    p.finally(() => {
      if (flight.next === undefined && flights.get(key) === flight) flights.delete(key);
    });
  const flight = flights.get(key);
  if (!flight) {
    const fresh: Flight = { current: Promise.resolve(), next: undefined };
    fresh.current = settle(fresh, run());
    flights.set(key, fresh);
    return fresh.current;
  }
  flight.next ??= flight.current
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      const p = run();
      flight.current = settle(flight, p);
      flight.next = undefined;
      return p;
    });
  return flight.next;
}

export interface RepairReport {
  pendingScores: number;
  staleBuckets: number;
  bucketsRefreshed: number;
}

/**
 * Refreshes the buckets a crashed writer or refresher left behind: scores still `sumsPending` and
 * buckets still `stale` more than `olderThanMs` after their last write (younger ones most likely
 * have a refresh in flight; refreshing them too would be harmless, only wasted). At most `limit` of
 * each per call; the next sweep takes the rest.
 */
export async function repairDailySums(
  models: Models,
  opts: { olderThanMs: number; limit?: number; now?: Date },
): Promise<RepairReport> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.olderThanMs);
  const limit = opts.limit ?? 5000;
  const [pending, stale] = await Promise.all([
    models.VerifiedScore.collection
      .find(
        // Writes through Mongoose set updatedAt; a raw write without it counts as old.
        { sumsPending: true, $or: [{ updatedAt: { $lt: cutoff } }, { updatedAt: { $exists: false } }] },
        { projection: BUCKET_PROJECTION, limit },
      )
      .toArray(),
    models.DailySum.collection
      .find({ stale: { $lt: cutoff } }, { projection: BUCKET_PROJECTION, limit })
      .toArray(),
  ]);
  const buckets = uniqueBuckets([...pending, ...stale].map(bucketOf));
  if (buckets.length > 0) await refreshDailySums(models, buckets);
  return { pendingScores: pending.length, staleBuckets: stale.length, bucketsRefreshed: buckets.length };
}

export interface RebuildProgress {
  day: string;
  daysDone: number;
  days: number;
  buckets: number;
}

/**
 * Recomputes every bucket from the records, one day at a time, through the same protocol as a
 * refresh: safe while the system runs (a score written meanwhile is refreshed by its writer, and a
 * rebuild's result never overwrites a later refresh's). Buckets whose records are gone are written
 * as zero, not deleted, so their seq keeps counting up.
 */
export async function rebuildDailySums(
  models: Models,
  opts: { onProgress?: (p: RebuildProgress) => void } = {},
): Promise<{ days: number; buckets: number }> {
  const scores = models.VerifiedScore.collection;
  const [recordDays, sumDays] = await Promise.all([
    scores.distinct('day') as Promise<unknown[]>,
    models.DailySum.collection.distinct('day') as Promise<unknown[]>,
  ]);
  const days = [...new Set([...recordDays, ...sumDays])]
    .filter((d): d is string => typeof d === 'string')
    .sort();
  let total = 0;
  for (const [i, day] of days.entries()) {
    const [recordBuckets, sumBuckets] = await Promise.all([
      scores
        .aggregate<{ _id: SumsBucket }>([
          { $match: { day } },
          {
            $group: {
              _id: { day: '$day', agency: '$agency', department: '$department', agentId: '$agentId' },
            },
          },
        ])
        .toArray(),
      models.DailySum.collection.find({ day }, { projection: BUCKET_PROJECTION }).toArray(),
    ]);
    const buckets = uniqueBuckets([
      ...recordBuckets.map((r) => bucketOf(r._id)),
      ...sumBuckets.map(bucketOf),
    ]);
    if (buckets.length > 0) await refreshDay(models, day, buckets);
    total += buckets.length;
    opts.onProgress?.({ day, daysDone: i + 1, days: days.length, buckets: buckets.length });
  }
  return { days: days.length, buckets: total };
}

const DIMENSION_ID: Record<Dimension, Record<string, string> | null> = {
  none: null,
  agency: { agency: '$agency' },
  department: { agency: '$agency', department: '$department' },
  agent: { agentId: '$agentId' },
  day: { day: '$day' },
};

interface SumsGroupRow extends Record<string, unknown> {
  _id: { day?: unknown; agency?: unknown; department?: unknown; agentId?: unknown } | null;
}

/**
 * Sums of the buckets matching the report filter, per group of the dimension: what reports read.
 * The database adds the buckets up (`$sum` of each stored counter), so only the groups (one row,
 * or one per agency, department, agent or day) travel to the app, whatever the buckets' number.
 */
export async function groupedSumsFromDailySums(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
): Promise<GroupedSums> {
  const prefix = filter.channel ? `channels.${filter.channel}` : 'all';
  const rows = await models.DailySum.collection
    .aggregate<SumsGroupRow>([
      {
        $match: {
          day: { $gte: filter.from, $lte: filter.to },
          ...(filter.agency !== undefined ? { agency: filter.agency } : {}),
          ...(filter.department !== undefined ? { department: filter.department } : {}),
          ...(filter.agent !== undefined ? { agentId: filter.agent } : {}),
        },
      },
      {
        $group: {
          _id: DIMENSION_ID[dimension],
          ...Object.fromEntries(STORED_COUNTERS.map((k) => [k, { $sum: `$${prefix}.${k}` }])),
        },
      },
    ])
    .toArray();
  const out: GroupedSums = new Map();
  for (const row of rows) {
    const sums = partialSumsOf(row);
    // No closures is no group: the records would not have produced one either (a bucket whose
    // records are gone, or with none on the filtered channel).
    if (!(sums.closures > 0)) continue;
    out.set(groupKey(fieldsOf(dimension, row._id ?? {})), {
      fields: fieldsOf(dimension, row._id ?? {}),
      sums,
    });
  }
  return out;
}
