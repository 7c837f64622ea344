import { isDuplicateKey, isOnlyDuplicateKeys } from '../../db/duplicate-key.js';
import { CHANNELS, type Channel } from '../../db/models/followup.js';
import type { Models } from '../../db/models/index.js';
import type { Logger } from '../../log.js';
import { fieldsOf, groupKey, type Dimension, type GroupedSums } from './groups.js';
import { addCell, cellOf, emptySums, type PartialSums } from './partial-sums.js';
import { bumpSumsRevision, markMonths, monthBucketId, monthOf, writeMonthsFromDays } from './month-sums.js';

/**
 * Per-day partial sums: one `daily_sums` document per bucket (local day, agency, department, agent)
 * holding the PartialSums of the bucket's records, overall and per answer channel. Reports add up
 * these documents instead of aggregating the records, so a report costs what its number of buckets
 * costs (days × agents in range), whatever the number of records.
 *
 * The documents hold PartialSums rather than the cells (combinations of solved, rating, post-call
 * rating, sent, delivered) the records are grouped into: addCell is linear in the cell's count, so
 * the sums of the cells' sums are the sums of all the cells, exactly. A metric that needs a new
 * counter adds it to PartialSums and runs `npm run sums:rebuild`.
 *
 * Kept in step without transactions, locks or record scans. A bucket also records, per member
 * score, the score revision (`sumsRev`, raised by every score write) and the cell it is counted in
 * (`m.<scoreId>: { r, c }`). Counting a score is then one conditional update of its bucket: "if this
 * score is still counted at revision r (or not at all), move it to its new cell": `$inc` the
 * difference of the two cells' counters and `$set` the member entry. So
 *   - it is idempotent: a revision already counted (or a newer one) changes nothing;
 *   - racing writers of one score serialise on the member entry, and an older revision never
 *     overwrites a newer one, whatever order they land in;
 *   - its cost is one read and one write of the bucket, whatever the number of records (the
 *     embedded server scans for any query but `_id`, so aggregating a bucket's records per write
 *     cost time in proportion to the whole collection there).
 * A writer (every one is in ../writes.ts) sets `sumsPending: true` (`SUMS_PENDING`) and
 * `$inc: { sumsRev: 1 }` in the same atomic update that changes a score, then counts the score it
 * got back (`countScore`), which lowers the flag. A writer that dies in between leaves the flag up,
 * and `repairDailySums` counts the score.
 */

export interface SumsBucket {
  day: string;
  agency: string;
  department: string;
  agentId: string;
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
  'notSampled',
  'tooOld',
  'skippedRecentContact',
  'reopenedBeforeAsking',
  'optedOutBeforeAsking',
  'undeliverable',
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

const BUCKET_PROJECTION = { _id: 1, day: 1, agency: 1, department: 1, agentId: 1 } as const;

/** What counting a score reads of it: its bucket, its cell, its revision. */
export const SCORE_SUMS_FIELDS = {
  ...BUCKET_PROJECTION,
  solved: 1,
  rating: 1,
  postCallRating: 1,
  sent: 1,
  delivered: 1,
  channel: 1,
  outcome: 1,
  sumsRev: 1,
} as const;

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

/** Derived, so two writers of a bucket that starts empty upsert the same document. */
export function bucketId(b: SumsBucket): string {
  return JSON.stringify([b.day, b.agency, b.department, b.agentId]);
}

const KNOWN_CHANNELS: ReadonlySet<string> = new Set(CHANNELS);

/** A score as counting reads it (a lean document, or a row of the raw collection). */
export interface CountableScore {
  _id?: unknown;
  day?: unknown;
  agency?: unknown;
  department?: unknown;
  agentId?: unknown;
  solved?: boolean | null;
  rating?: number | null;
  postCallRating?: number | null;
  sent?: boolean | null;
  delivered?: boolean | null;
  channel?: string | null;
  outcome?: string | null;
  sumsRev?: number | null;
}

/**
 * A cell as a member entry stores it: solved, rating, post-call rating, sent, delivered, channel,
 * outcome. Entries written before the outcome was counted have six elements: their outcome was
 * never added, so moving them out of their cell subtracts none either.
 */
export type CellCode = [
  boolean | null,
  number | null,
  number | null,
  boolean,
  boolean,
  string | null,
  (string | null)?,
];

export function cellCodeOf(s: CountableScore): CellCode {
  return [
    s.solved ?? null,
    s.rating ?? null,
    s.postCallRating ?? null,
    s.sent === true,
    s.delivered === true,
    typeof s.channel === 'string' && KNOWN_CHANNELS.has(s.channel) ? s.channel : null,
    typeof s.outcome === 'string' ? s.outcome : null,
  ];
}

/** The stored counters one record of this cell adds: `all.*` and, with a channel, `channels.<c>.*`. */
function countersOf(code: CellCode | undefined, sign: 1 | -1, into: Record<string, number>): void {
  if (!code) return;
  const [s, r, p, st, dl, channel, o] = code;
  const sums = emptySums();
  addCell(sums, cellOf({ s, r, p, st, dl, o }, 1));
  const one = storedSums(sums);
  for (const [k, v] of Object.entries(one)) {
    if (v === 0) continue;
    into[`all.${k}`] = (into[`all.${k}`] ?? 0) + sign * v;
    if (channel) into[`channels.${channel}.${k}`] = (into[`channels.${channel}.${k}`] ?? 0) + sign * v;
  }
}

/**
 * Adds the stored counters one score contributes to its bucket (`all.*`, `channels.<c>.*`) to `into`:
 * summed over a bucket's scores, what the bucket must hold (the verifier, src/audit-chain/records.ts).
 */
export function addScoreCounters(score: CountableScore, into: Record<string, number>): void {
  countersOf(cellCodeOf(score), 1, into);
}

interface Member {
  r: number;
  c: CellCode;
}

const MAX_COUNT_ATTEMPTS = 50;

/**
 * Counts one score in its bucket at the score's revision (see the module comment), then lowers the
 * score's pending flag if no later write raised it again. Idempotent, and safe to race.
 */
async function count(models: Models, score: CountableScore): Promise<void> {
  const bucket = bucketOf(score);
  const id = bucketId(bucket);
  const member = String(score._id);
  const rev = score.sumsRev ?? 0;
  const code = cellCodeOf(score);
  const sums = models.DailySum.collection;
  let counted = false;
  for (let attempt = 0; attempt < MAX_COUNT_ATTEMPTS && !counted; attempt++) {
    const doc = await sums.findOne({ _id: id as never }, { projection: { [`m.${member}`]: 1 } });
    const members = (doc as { m?: Record<string, Member> } | null)?.m;
    const prev = members?.[member];
    if (prev && prev.r >= rev) {
      counted = true;
      break;
    }
    const delta: Record<string, number> = {};
    countersOf(prev?.c, -1, delta);
    countersOf(code, 1, delta);
    for (const k of Object.keys(delta)) if (delta[k] === 0) delete delta[k];
    const update = {
      $set: { ...bucket, [`m.${member}`]: { r: rev, c: code } },
      ...(Object.keys(delta).length > 0 ? { $inc: delta } : {}),
    };
    try {
      // Absent member: insert the bucket if need be; present: only if still at the revision read.
      const result = await sums.updateOne(
        { _id: id as never, [`m.${member}.r`]: prev ? prev.r : { $exists: false } },
        update,
        { upsert: !prev },
      );
      counted = result.matchedCount === 1 || result.upsertedCount === 1;
    } catch (err) {
      // The bucket appeared (or the member in it) since our read: read again.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  // Only writers of this same score compete for its entry; losing that often means something is
  // wrong, and the flag stays up for the repair sweep rather than being lowered on an uncounted score.
  if (!counted)
    throw new Error(`daily sums ${id}: score ${member} not counted after ${MAX_COUNT_ATTEMPTS} attempts`);
  // Also when already counted: its counter may have died before marking (month-sums.ts).
  await markMonths(models, [bucket]);
  await models.VerifiedScore.collection.updateOne(
    { _id: score._id as never, sumsRev: rev, sumsPending: true },
    { $unset: { sumsPending: '' } },
  );
}

/**
 * `count` for many scores in one read and one write per bucket, all buckets in one round trip each:
 * the send path counts a score per message, and one bulk command per batch of sends costs little
 * more than one. Each bucket's update is conditional on every member entry it read, as `count`'s
 * is on one; a bucket whose condition fails (a racing writer of one of its scores, or two writers
 * creating it at once) leaves the bulk short, and then every score is counted one by one, which is
 * idempotent for the ones already counted.
 */
async function countMany(
  models: Models,
  scores: CountableScore[],
  before?: ReadonlyMap<string, CountableScore>,
): Promise<void> {
  const latest = new Map<string, CountableScore>();
  for (const s of scores) {
    const key = String(s._id);
    if ((latest.get(key)?.sumsRev ?? -1) < (s.sumsRev ?? 0)) latest.set(key, s);
  }
  const groups = new Map<string, { bucket: SumsBucket; members: CountableScore[] }>();
  for (const s of latest.values()) {
    const bucket = bucketOf(s);
    const id = bucketId(bucket);
    const group = groups.get(id) ?? { bucket, members: [] };
    group.members.push(s);
    groups.set(id, group);
  }
  const sums = models.DailySum.collection;
  // A bucket whose every member is known as it was counted (`before`) is not read: what it holds of
  // them is known, and its update is conditional on exactly that (revision and cell), so a bucket
  // that holds anything else is left alone and counted the slow way below.
  const stored = new Map<string, Record<string, Member>>();
  const exact = new Set<string>();
  for (const [id, { members }] of groups) {
    const known = members.map((s) => before?.get(String(s._id)));
    if (!known.every((k) => k !== undefined && typeof k.sumsRev === 'number')) continue;
    stored.set(
      id,
      Object.fromEntries(
        known.map((k) => [String(k?._id), { r: k?.sumsRev ?? 0, c: cellCodeOf(k as CountableScore) }]),
      ),
    );
    exact.add(id);
  }
  const unread = [...groups.keys()].filter((id) => !exact.has(id));
  if (unread.length > 0) {
    const projection = Object.fromEntries(
      unread.flatMap((id) => groups.get(id)?.members ?? []).map((s) => [`m.${String(s._id)}`, 1]),
    );
    const docs = await sums.find({ _id: { $in: unread as never[] } }, { projection }).toArray();
    for (const d of docs) stored.set(String(d._id), (d as { m?: Record<string, Member> }).m ?? {});
  }
  const ops = [];
  const counted: CountableScore[] = [];
  for (const [id, { bucket, members }] of groups) {
    const entries = stored.get(id);
    const filter: Record<string, unknown> = { _id: id };
    const set: Record<string, unknown> = { ...bucket };
    const delta: Record<string, number> = {};
    for (const s of members) {
      const member = String(s._id);
      const rev = s.sumsRev ?? 0;
      const prev = entries?.[member];
      counted.push(s);
      if (prev && prev.r >= rev) continue;
      const code = cellCodeOf(s);
      countersOf(prev?.c, -1, delta);
      countersOf(code, 1, delta);
      filter[`m.${member}.r`] = prev ? prev.r : { $exists: false };
      if (prev && exact.has(id)) filter[`m.${member}.c`] = prev.c;
      set[`m.${member}`] = { r: rev, c: code };
    }
    if (Object.keys(set).length === Object.keys(bucket).length) continue;
    for (const k of Object.keys(delta)) if (delta[k] === 0) delete delta[k];
    ops.push({
      updateOne: {
        filter: filter as never,
        update: { $set: set, ...(Object.keys(delta).length > 0 ? { $inc: delta } : {}) },
        // A bucket read as absent is created; one read as present must still hold what was read.
        upsert: entries === undefined,
      },
    });
  }
  let complete = true;
  if (ops.length > 0) {
    try {
      const result = await sums.bulkWrite(ops, { ordered: false });
      complete = result.matchedCount + result.upsertedCount === ops.length;
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
      complete = false;
    }
  }
  if (!complete) {
    for (const s of latest.values()) await count(models, s);
    return;
  }
  await markMonths(
    models,
    [...groups.values()].map((g) => g.bucket),
  );
  await models.VerifiedScore.collection.bulkWrite(
    counted.map((s) => ({
      updateOne: {
        filter: { _id: s._id as never, sumsRev: s.sumsRev ?? 0, sumsPending: true },
        update: { $unset: { sumsPending: '' } },
      },
    })),
    { ordered: false },
  );
}

export interface SumsContext {
  models: Models;
  log: Logger;
}

/** Fields a score write sets beside its own, in the same atomic update (creates spread it in). */
export const SUMS_PENDING = { sumsPending: true } as const;

/**
 * What a writer calls with the score its own write returned (projection `SCORE_SUMS_FIELDS`). A
 * failure here does not undo or fail the write that preceded it: it is logged, and the pending
 * flag that write left lets `repairDailySums` count the score.
 */
export async function countScore(ctx: SumsContext, score: CountableScore): Promise<void> {
  try {
    await count(ctx.models, score);
  } catch (err) {
    ctx.log.warn({ err }, 'daily sums not updated after a score write; the repair sweep will do it');
  }
}

/**
 * `countScore` for several scores at once (their own writes' results), in bulk commands. `before`,
 * by score id: the score as it was read just before the write, when it was counted then (not
 * pending); its bucket is then written without being read first.
 */
export async function countScores(
  ctx: SumsContext,
  scores: CountableScore[],
  before?: ReadonlyMap<string, CountableScore>,
): Promise<void> {
  if (scores.length === 0) return;
  try {
    await countMany(ctx.models, scores, before);
  } catch (err) {
    ctx.log.warn({ err }, 'daily sums not updated after score writes; the repair sweep will do it');
  }
}

/** `countScore` for the scores matching `filter`, after a write of several (an updateMany). */
export async function countScoresMatching(ctx: SumsContext, filter: Record<string, unknown>): Promise<void> {
  try {
    const scores = await ctx.models.VerifiedScore.collection
      .find(filter, { projection: SCORE_SUMS_FIELDS })
      .toArray();
    for (const score of scores) await count(ctx.models, score);
  } catch (err) {
    ctx.log.warn({ err, filter }, 'daily sums not updated after a score write; the repair sweep will do it');
  }
}

export interface RepairReport {
  pendingScores: number;
}

/**
 * Counts the scores a crashed writer left pending more than `olderThanMs` after their last write
 * (younger ones most likely have their writer still counting them; counting them too would be
 * harmless, only wasted). At most `limit` per call; the next sweep takes the rest.
 */
export async function repairDailySums(
  models: Models,
  opts: { olderThanMs: number; limit?: number; now?: Date },
): Promise<RepairReport> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.olderThanMs);
  const pending = await models.VerifiedScore.collection
    .find(
      // Writes through Mongoose set updatedAt; a raw write without it counts as old.
      { sumsPending: true, $or: [{ updatedAt: { $lt: cutoff } }, { updatedAt: { $exists: false } }] },
      { projection: SCORE_SUMS_FIELDS, limit: opts.limit ?? 5000 },
    )
    .toArray();
  for (const score of pending) await count(models, score);
  return { pendingScores: pending.length };
}

export interface RebuildProgress {
  /** Records read so far. */
  scores: number;
  /** Daily buckets written so far. */
  buckets: number;
  /** Records in the collection when the rebuild started (an estimate: live writes go on). */
  total: number;
  /** Local days done, of `totalDays`. */
  days: number;
  totalDays: number;
}

export interface RebuildOptions {
  /** Called after every batch written, and once at the end; a promise it returns is awaited. */
  onProgress?: (p: RebuildProgress) => unknown;
  /** Records held in memory at once (default 20,000): what bounds the rebuild's memory. */
  batchSize?: number;
  /** Continue the rebuild that stopped (crashed, killed) after its last month written. */
  resume?: boolean;
}

/** What a rebuild reads of a score: what counting reads, and whether a writer left it pending. */
const REBUILD_FIELDS = { ...SCORE_SUMS_FIELDS, sumsPending: 1 } as const;

/** Where an interrupted rebuild stopped, in sums_meta: the last month whose sums it wrote. */
const REBUILD_CHECKPOINT_ID = 'rebuild';

interface RebuildCheckpoint {
  _id: string;
  startedAt: Date;
  /** YYYY-MM: every day up to this month's end is rebuilt, and its month sums written. */
  doneThrough: string | null;
}

function checkpoints(models: Models) {
  return models.DailySum.db.collection<RebuildCheckpoint>('sums_meta');
}

interface PendingBucket {
  bucket: SumsBucket;
  inc: Record<string, number>;
  members: CountableScore[];
}

/**
 * Recomputes every bucket from the records, a local day at a time (the `day` index finds a day's
 * records on any server), holding at most `batchSize` records and one month of month buckets in
 * memory, however many records there are.
 *
 * Safe while the system runs. The sums are deleted first, so every score is read after the delete,
 * at least as new as any count made before it. Each batch is written as one unordered bulk of
 * upserts, one per bucket, each adding its records' counters and member entries only if none of
 * those members is in the bucket yet: never over a live writer's count. A bucket where a live
 * writer (or an earlier run) counted one of them is refused (duplicate key) and its scores are
 * counted as every write counts them (`countMany`: conditional, idempotent). Month sums are written
 * when their last day is done, clean only where no live count marked the month since the delete
 * (writeMonthsFromDays). A pending flag is lowered only on a score still at the revision read.
 *
 * Resumable: each month written is recorded; `resume` skips the months done and recounts the rest,
 * and the idempotent path above absorbs what the stopped run wrote of its last month. Re-runnable:
 * without `resume` it starts over.
 */
export async function rebuildDailySums(
  models: Models,
  opts: RebuildOptions = {},
): Promise<{ scores: number; buckets: number; months: number }> {
  const batchSize = opts.batchSize ?? 20_000;
  const scoresColl = models.VerifiedScore.collection;
  const meta = checkpoints(models);
  let doneThrough: string | null = null;
  if (opts.resume) {
    const checkpoint = await meta.findOne({ _id: REBUILD_CHECKPOINT_ID });
    if (!checkpoint) throw new Error('no interrupted sums rebuild to resume: run the rebuild without resume');
    doneThrough = checkpoint.doneThrough;
  } else {
    await models.DailySum.collection.deleteMany({});
    await models.MonthSum.collection.deleteMany({});
    await meta.replaceOne(
      { _id: REBUILD_CHECKPOINT_ID },
      { startedAt: new Date(), doneThrough: null },
      { upsert: true },
    );
  }
  // The schema requires `day`; distinct reads the day index on MongoDB.
  const days = (await scoresColl.distinct('day'))
    .filter((d): d is string => typeof d === 'string')
    .filter((d) => doneThrough === null || monthOf(d) > doneThrough)
    .sort();
  const progress: RebuildProgress = {
    scores: 0,
    buckets: 0,
    total: await scoresColl.estimatedDocumentCount(),
    days: 0,
    totalDays: days.length,
  };
  let months = 0;
  // The month being rebuilt: its buckets' counters, flat (`all.k`, `channels.<c>.k`).
  let month: string | null = null;
  let monthBuckets = new Map<string, { bucket: SumsBucket; inc: Record<string, number> }>();

  const finishMonth = async (): Promise<void> => {
    if (month === null) return;
    const done = month;
    months += await writeMonthsFromDays(
      models,
      [...monthBuckets.values()].map(({ bucket, inc }) => ({ bucket, counters: nested(inc) })),
    );
    await bumpSumsRevision(models, { months: [done] });
    await meta.updateOne({ _id: REBUILD_CHECKPOINT_ID }, { $set: { doneThrough: done } });
    monthBuckets = new Map();
  };

  for (const day of days) {
    if (monthOf(day) !== month) {
      await finishMonth();
      month = monthOf(day);
    }
    let batch = new Map<string, PendingBucket>();
    let held = 0;
    const dayBuckets = new Set<string>();
    const flush = async (): Promise<void> => {
      await writeRebuiltBatch(models, batch);
      for (const id of batch.keys())
        if (!dayBuckets.has(id)) {
          dayBuckets.add(id);
          progress.buckets += 1;
        }
      progress.scores += held;
      batch = new Map();
      held = 0;
      await opts.onProgress?.({ ...progress });
    };
    const cursor = scoresColl.find(
      { day },
      { projection: REBUILD_FIELDS, batchSize: Math.min(batchSize, 10_000) },
    );
    for await (const raw of cursor) {
      const score = raw as CountableScore & { sumsPending?: boolean };
      const bucket = bucketOf(score);
      const id = bucketId(bucket);
      let entry = batch.get(id);
      if (!entry) batch.set(id, (entry = { bucket, inc: {}, members: [] }));
      const code = cellCodeOf(score);
      countersOf(code, 1, entry.inc);
      entry.members.push(score);
      const monthId = monthBucketId({ month: monthOf(day), ...bucket });
      let m = monthBuckets.get(monthId);
      if (!m) monthBuckets.set(monthId, (m = { bucket, inc: {} }));
      countersOf(code, 1, m.inc);
      held += 1;
      if (held >= batchSize) await flush();
    }
    if (held > 0) await flush();
    progress.days += 1;
  }
  await finishMonth();
  await bumpSumsRevision(models, { rebuilt: true });
  await meta.deleteOne({ _id: REBUILD_CHECKPOINT_ID });
  await opts.onProgress?.({ ...progress });
  return { scores: progress.scores, buckets: progress.buckets, months };
}

/**
 * One batch of a rebuild: per bucket, its records' counters and member entries added in one
 * upsert, conditional on none of those members being counted there yet; the refused buckets'
 * scores counted the way live writes are. Then the pending flags of the scores read with one,
 * still at the revision read.
 */
async function writeRebuiltBatch(models: Models, batch: Map<string, PendingBucket>): Promise<void> {
  const entries = [...batch.values()];
  const ops = entries.map(({ bucket, inc, members }) => {
    const filter: Record<string, unknown> = { _id: bucketId(bucket) };
    const set: Record<string, unknown> = {};
    for (const s of members) {
      const member = String(s._id);
      filter[`m.${member}`] = { $exists: false };
      set[`m.${member}`] = { r: s.sumsRev ?? 0, c: cellCodeOf(s) };
    }
    for (const k of Object.keys(inc)) if (inc[k] === 0) delete inc[k];
    return {
      updateOne: {
        filter: filter as never,
        update: {
          $setOnInsert: bucket,
          $set: set,
          ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}),
        },
        upsert: true,
      },
    };
  });
  const refused = new Set<number>();
  try {
    await models.DailySum.collection.bulkWrite(ops, { ordered: false });
  } catch (err) {
    // A bucket that exists is refused by its `_id` when the filter fails: someone counted a member.
    if (!isOnlyDuplicateKeys(err)) throw err;
    const list = (err as { writeErrors?: unknown }).writeErrors;
    for (const e of Array.isArray(list) ? list : [list]) refused.add((e as { index: number }).index);
  }
  const recount = entries.filter((_, i) => refused.has(i)).flatMap((e) => e.members);
  if (recount.length > 0) await countMany(models, recount);
  const pending = entries
    .filter((_, i) => !refused.has(i))
    .flatMap((e) => e.members)
    .filter((s) => (s as { sumsPending?: boolean }).sumsPending === true);
  if (pending.length > 0)
    await models.VerifiedScore.collection.bulkWrite(
      pending.map((s) => ({
        updateOne: {
          filter: { _id: s._id as never, sumsRev: s.sumsRev ?? 0, sumsPending: true },
          update: { $unset: { sumsPending: '' } },
        },
      })),
      { ordered: false },
    );
}

/** Flat counters (`all.k`, `channels.<c>.k`) as stored: `{ all: {...}, channels: { <c>: {...} } }`. */
function nested(flat: Record<string, number>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [path, n] of Object.entries(flat)) setPath(doc, path, n);
  return { all: doc.all ?? {}, ...(doc.channels ? { channels: doc.channels } : {}) };
}

function setPath(doc: Record<string, unknown>, path: string, value: number): void {
  const keys = path.split('.');
  let at = doc;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1] as string] = value;
}

const DIMENSION_ID: Record<Dimension, Record<string, string> | null> = {
  none: null,
  agency: { agency: '$agency' },
  department: { agency: '$agency', department: '$department' },
  agent: { agentId: '$agentId' },
  day: { day: '$day' },
};

/** Which buckets a read adds up (a report's filter): local days from..to inclusive, and any of the rest. */
export interface SumsFilter {
  from: string;
  to: string;
  agency?: string;
  department?: string;
  agent?: string;
  /** Only the records answered on this channel. */
  channel?: Channel;
}

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
  filter: SumsFilter,
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
