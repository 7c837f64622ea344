import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { Counter, Histogram } from 'prom-client';
import type { AppContext } from '../context.js';
import { INBOUND_QUEUE, type InboundJob } from '../followup/conversation/inbound.js';
import { metricsOf } from '../http/metrics.js';
import { VOICE_QUEUE, type VoiceJob } from '../voice/persistence.js';
import { batchPace, firstBatchSize, nextBatchSize } from './pace.js';
import { PERSONAL_FIELDS, type PersonalFields, type Period } from './personal-fields.js';
import { deleteRecordings } from './recordings.js';
import { retentionRuns, type KindProgress, type RetentionRun } from './runs.js';

const DAY = 86_400_000;
/** A run whose last batch is older than this is taken to have died, and another process continues it. */
const LEASE_MS = 5 * 60_000;
/** How often a run sweeps from the oldest record rather than from where the last run ended. */
const FULL_SWEEP_EVERY_MS = 7 * DAY;

export interface PurgeReport {
  runId: string;
  /** Documents changed per `Model.period`, e.g. `FollowUp.phone`. */
  changed: Record<string, number>;
  batches: number;
  /** Recordings deleted at Twilio (or already gone there), and those kept for the next run. */
  recordingsDeleted: number;
  recordingDeletesFailed: number;
  /** Queued inbound replies (number and text) removed from Redis. */
  inboundJobsRemoved: number;
  /** Finished IVR recording jobs (the recording's sid and URL) removed from Redis. */
  recordingJobsRemoved: number;
  cutoffs: Record<Period, string>;
}

/** What the purge has done so far, after each batch: for the job's progress and the log. */
export interface PurgeProgress {
  runId: string;
  /** The kind being purged (`Model.period`). */
  kind: string;
  batches: number;
  changed: Record<string, number>;
  /** Records still to change, estimated from how far through each kind's dates the run is. */
  remaining: number;
  /** Share of the run done, 0–100. */
  percent: number;
  /** Records the purge reads per batch now: paced by its writes' time, at most RETENTION_BATCH_SIZE. */
  batchSize: number;
}

export interface PurgeOptions {
  now?: Date;
  /** Stops the run between batches (and between recording deletes); the next run continues it. */
  signal?: AbortSignal;
  onProgress?: (progress: PurgeProgress) => Promise<void> | void;
  /** Sweep from the oldest record (otherwise from where the last run ended, and weekly from the oldest). */
  full?: boolean;
}

// Why: docs/decisions/0028-retention-purge-in-keyset-batches.md
/**
 * Removes personal data older than its retention period from every collection that holds it
 * (personal-fields.ts), leaving what the reports count: outcomes, ratings, reasons as codes, days,
 * channels, the daily sums.
 *
 * At national size (a year is tens of millions of records) it works in bounded batches: per kind,
 * the next records still holding the fields, oldest first by the kind's indexed date, continuing
 * after the last batch's date (a keyset, so no batch re-reads what earlier ones cleared); each batch
 * is one conditional updateMany (or deleteMany) by their ids, then a pause of
 * RETENTION_BATCH_PAUSE_MS so webhooks keep their latency. A batch holds as many records as one write
 * does in about RETENTION_BATCH_TARGET_MS (pace.ts), at most RETENTION_BATCH_SIZE: a store that holds
 * a collection while it writes (mongo-java-server) makes a request wait that long at most. Each
 * batch is recorded in the run (runs.ts): an interrupted run is continued by the next with the
 * same cutoffs, and since every write is conditional on the fields still being there, nothing is
 * changed twice and nothing is left. Recordings are deleted at Twilio first (recordings.ts), their references only once gone.
 */
export async function purgeExpiredPersonalData(
  ctx: AppContext,
  opts: PurgeOptions = {},
): Promise<PurgeReport> {
  const runs = retentionRuns(ctx);
  const run = (await continueRun(ctx, opts.signal)) ?? (await startRun(ctx, opts));
  const counters = purgeCounters(ctx);
  const { batchPauseMs } = ctx.config.retention;
  const pace = batchPace(ctx.config.retention);
  const stopped = async (err: unknown) => {
    await runs
      .updateOne(
        { _id: run._id, state: 'running' },
        {
          $set: {
            state: 'stopped',
            heartbeatAt: new Date(),
            error: err instanceof Error ? err.message : String(err),
          },
        },
      )
      .catch((e: unknown) => ctx.log.warn({ err: e }, 'retention purge: could not record the stop'));
  };
  try {
    for (const [i, entry] of PERSONAL_FIELDS.entries()) {
      const kind = run.kinds[i];
      if (!kind || kind.done) continue;
      const cutoff = run.cutoffs[entry.period];
      // The kind is swept to the cutoff, or to its first recording Twilio kept, so the next run starts there.
      const finishKind = async (): Promise<void> => {
        kind.done = true;
        kind.sweptTo = kind.failedFrom ?? cutoff;
        await runs.updateOne(
          { _id: run._id },
          {
            $set: {
              [`kinds.${i}.done`]: true,
              [`kinds.${i}.sweptTo`]: kind.sweptTo,
              heartbeatAt: new Date(),
            },
          },
        );
      };
      let batchSize = firstBatchSize(pace);
      for (;;) {
        opts.signal?.throwIfAborted();
        const asked = batchSize;
        const batch = await selectBatch(ctx, entry, kind, cutoff, asked);
        if (batch.length === 0) {
          await finishKind();
          break;
        }
        let ids = batch.map((d) => d._id);
        let last = batch[batch.length - 1]!.since;
        let deleted = 0;
        let failed = 0;
        if (entry.model === 'PostCallRating') {
          // The recording itself goes at Twilio first; a reference is removed only once it is gone,
          // so a failure leaves it for the next run to try again.
          const result = await deleteRecordings(
            ctx,
            batch.flatMap((d) => (d.sid ? [d.sid] : [])),
            opts.signal,
          );
          deleted = result.deleted.size;
          failed = result.failed.size;
          ids = batch.filter((d) => !d.sid || result.deleted.has(d.sid)).map((d) => d._id);
          const firstFailed = batch.find((d) => d.sid && result.failed.has(d.sid))?.since;
          if (firstFailed && (!kind.failedFrom || firstFailed < kind.failedFrom))
            kind.failedFrom = firstFailed;
          // Stopped part-way: the next run starts at the first recording not yet tried.
          const untried = batch.find((d) => d.sid && !result.deleted.has(d.sid) && !result.failed.has(d.sid));
          if (untried) last = untried.since;
        }
        // The write alone is timed: it is what holds the collection; the read before it does not.
        const writeStart = performance.now();
        const n = ids.length === 0 ? 0 : await removeFields(ctx, entry, { _id: { $in: ids } }, cutoff);
        const writeMs = performance.now() - writeStart;
        if (ids.length > 0) counters.writes.observe(writeMs / 1000);
        batchSize = nextBatchSize(pace, asked, ids.length, writeMs);
        run.batchSize = batchSize;
        kind.after = last;
        kind.firstAt ??= batch[0]!.since;
        kind.changed += n;
        kind.batches += 1;
        run.batches += 1;
        run.recordingsDeleted += deleted;
        run.recordingDeletesFailed += failed;
        await runs.updateOne(
          { _id: run._id },
          {
            $set: {
              [`kinds.${i}.after`]: last,
              [`kinds.${i}.firstAt`]: kind.firstAt,
              ...(kind.failedFrom ? { [`kinds.${i}.failedFrom`]: kind.failedFrom } : {}),
              batchSize,
              heartbeatAt: new Date(),
            },
            $inc: {
              [`kinds.${i}.changed`]: n,
              [`kinds.${i}.batches`]: 1,
              batches: 1,
              recordingsDeleted: deleted,
              recordingDeletesFailed: failed,
            },
          },
        );
        counters.records.inc({ kind: kind.key }, n);
        counters.batches.inc();
        const progress = progressOf(run, kind.key);
        // Counts and dates only: never an id (a contact's id is the citizen's number).
        ctx.log.info(
          {
            runId: run._id,
            kind: kind.key,
            batch: kind.batches,
            changed: n,
            records: batch.length,
            writeMs: Math.round(writeMs * 10) / 10,
            batchSize,
            kindChanged: kind.changed,
            batches: run.batches,
            remaining: progress.remaining,
            percent: progress.percent,
            ...(entry.model === 'PostCallRating'
              ? { recordingsDeleted: deleted, recordingDeletesFailed: failed }
              : {}),
          },
          'retention purge batch',
        );
        await opts.onProgress?.(progress);
        opts.signal?.throwIfAborted();
        if (batch.length < asked) {
          // A short batch was the last of the kind: no need to ask again.
          await finishKind();
          break;
        }
        if (failed > 0) {
          // Twilio is refusing deletes: stop asking for this run; the next one starts from the
          // first recording kept.
          await finishKind();
          break;
        }
        // Yield between batches: requests waiting on this process (or on the database) go first.
        await sleep(batchPauseMs, undefined, opts.signal ? { signal: opts.signal } : {});
      }
    }
    opts.signal?.throwIfAborted();
    const redisParts = await purgeRedis(ctx, run.cutoffs);
    const finishedAt = new Date();
    await runs.updateOne(
      { _id: run._id },
      { $set: { state: 'done', finishedAt, heartbeatAt: finishedAt, ...redisParts }, $unset: { error: '' } },
    );
    const report: PurgeReport = {
      runId: run._id,
      changed: changedOf(run),
      batches: run.batches,
      recordingsDeleted: run.recordingsDeleted,
      recordingDeletesFailed: run.recordingDeletesFailed,
      ...redisParts,
      cutoffs: {
        phone: run.cutoffs.phone.toISOString(),
        recording: run.cutoffs.recording.toISOString(),
        comment: run.cutoffs.comment.toISOString(),
      },
    };
    ctx.log.info(report, 'retention purge done');
    return report;
  } catch (err) {
    await stopped(err);
    throw err;
  }
}

/** Continues the last run if it did not finish: a stopped one at once, a silent one after its lease. */
async function continueRun(ctx: AppContext, signal?: AbortSignal): Promise<RetentionRun | null> {
  const runs = retentionRuns(ctx);
  for (;;) {
    const open = await runs.findOne({ state: { $in: ['running', 'stopped'] } }, { sort: { startedAt: -1 } });
    if (!open) return null;
    const now = new Date();
    const claimed = await runs.findOneAndUpdate(
      {
        _id: open._id,
        $or: [{ state: 'stopped' }, { heartbeatAt: { $lt: new Date(now.getTime() - LEASE_MS) } }],
      },
      { $set: { state: 'running', heartbeatAt: now }, $unset: { error: '' } },
      { returnDocument: 'after' },
    );
    if (claimed) {
      ctx.log.info(
        { runId: claimed._id, batches: claimed.batches, previousError: open.error },
        'retention purge: continuing an unfinished run',
      );
      return claimed;
    }
    // Another process is running it: wait until it finishes or falls silent past its lease.
    await sleep(5_000, undefined, signal ? { signal } : {});
  }
}

async function startRun(ctx: AppContext, opts: PurgeOptions): Promise<RetentionRun> {
  const runs = retentionRuns(ctx);
  const now = opts.now ?? new Date();
  const r = ctx.config.retention;
  const cutoffs: Record<Period, Date> = {
    phone: new Date(now.getTime() - r.phoneDays * DAY),
    recording: new Date(now.getTime() - r.recordingDays * DAY),
    comment: new Date(now.getTime() - r.commentDays * DAY),
  };
  const previous = await runs.findOne({ state: 'done' }, { sort: { startedAt: -1 } });
  // Records dated before where the last run ended can still appear (an import of old closures),
  // so a run sweeps from the oldest record once a week; in between, from where the last one ended.
  const full =
    opts.full ??
    (!previous?.fullSweepAt || now.getTime() - previous.fullSweepAt.getTime() >= FULL_SWEEP_EVERY_MS);
  const kinds: KindProgress[] = [];
  for (const entry of PERSONAL_FIELDS) {
    const key = keyOf(entry);
    const from = full ? undefined : previous?.kinds.find((k) => k.key === key)?.sweptTo;
    const cutoff = cutoffs[entry.period];
    // Counted on the date index alone (no presence test): cheap, an upper bound for a full sweep.
    const estimate =
      from && from >= cutoff
        ? 0
        : await ctx.models[entry.model].collection.countDocuments({
            [entry.since]: { $lt: cutoff, ...(from ? { $gte: from } : {}) },
          });
    kinds.push({ key, ...(from ? { from } : {}), estimate, changed: 0, batches: 0, done: false });
  }
  const startedAt = new Date();
  const fullSweepAt = full ? now : previous?.fullSweepAt;
  const run: RetentionRun = {
    _id: `${startedAt.toISOString()}-${randomBytes(3).toString('hex')}`,
    state: 'running',
    startedAt,
    heartbeatAt: startedAt,
    full,
    ...(fullSweepAt ? { fullSweepAt } : {}),
    cutoffs,
    kinds,
    batches: 0,
    recordingsDeleted: 0,
    recordingDeletesFailed: 0,
  };
  await runs.insertOne(run);
  ctx.log.info(
    { runId: run._id, full, estimate: kinds.reduce((s, k) => s + k.estimate, 0) },
    'retention purge started',
  );
  return run;
}

function keyOf(entry: PersonalFields): string {
  return `${entry.model}.${entry.period}`;
}

function changedOf(run: RetentionRun): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const k of run.kinds) changed[k.key] = (changed[k.key] ?? 0) + k.changed;
  return changed;
}

/**
 * How far the run has got. A kind part-way through is assumed to go on at the rate it has changed
 * records so far across its dates; one not yet begun counts its records in range at the start.
 */
export function progressOf(run: RetentionRun, kind: string): PurgeProgress {
  let remaining = 0;
  let changed = 0;
  for (const [i, k] of run.kinds.entries()) {
    changed += k.changed;
    if (k.done) continue;
    const entry = PERSONAL_FIELDS[i];
    const cutoff = entry ? run.cutoffs[entry.period].getTime() : 0;
    const first = k.firstAt?.getTime();
    const share =
      k.after && first !== undefined && cutoff > first
        ? Math.min(1, Math.max(0, (k.after.getTime() - first) / (cutoff - first)))
        : 0;
    remaining +=
      share > 0 ? Math.round((k.changed * (1 - share)) / share) : Math.max(0, k.estimate - k.changed);
  }
  const total = changed + remaining;
  return {
    runId: run._id,
    kind,
    batches: run.batches,
    changed: changedOf(run),
    remaining,
    percent: total === 0 ? 100 : Math.round((1000 * changed) / total) / 10,
    batchSize: run.batchSize ?? 0,
  };
}

interface BatchRecord {
  _id: unknown;
  since: Date;
  sid?: string;
}

/** The next `limit` records of a kind still holding its fields, oldest first, from where the run got to. */
async function selectBatch(
  ctx: AppContext,
  entry: PersonalFields,
  kind: KindProgress,
  cutoff: Date,
  limit: number,
): Promise<BatchRecord[]> {
  const lower = kind.after ?? kind.from;
  const recording = entry.model === 'PostCallRating';
  const docs = await ctx.models[entry.model].collection
    .find(
      { [entry.since]: { $lt: cutoff, ...(lower ? { $gte: lower } : {}) }, ...presentFilter(entry) },
      {
        projection: { _id: 1, [entry.since]: 1, ...(recording ? { 'recording.sid': 1 } : {}) },
        sort: { [entry.since]: 1 },
        limit,
      },
    )
    .toArray();
  return docs.map((d) => {
    const since = d[entry.since] as unknown;
    if (!(since instanceof Date))
      throw new Error(`retention purge: ${entry.model}.${entry.since} is not a date on a matched record`);
    const sid = recording ? (d.recording as { sid?: unknown } | undefined)?.sid : undefined;
    return { _id: d._id, since, ...(typeof sid === 'string' ? { sid } : {}) };
  });
}

/** Matches documents that still hold one of the entry's fields, so a purge re-run changes nothing. */
function presentFilter(entry: PersonalFields): Record<string, unknown> {
  if (entry.unset === 'document') return {};
  return {
    $or: entry.unset.map((f) => ({ [f.replace('.$[]', '')]: { $exists: true } })),
  };
}

/**
 * Unsets the entry's fields (or deletes the documents) matching `filter`, and only where they are
 * still there (and, with `before`, only where the record is still older than it: one touched since
 * it was selected keeps its data); the number changed.
 */
export async function removeFields(
  ctx: AppContext,
  entry: PersonalFields,
  filter: Record<string, unknown>,
  before?: Date,
): Promise<number> {
  // The raw collection: these are plain $unset writes, and some fields are `required` in the
  // schemas (a ticket's number), which an old record legitimately loses here.
  const collection = ctx.models[entry.model].collection;
  const parts = [filter, ...(before ? [{ [entry.since]: { $lt: before } }] : []), presentFilter(entry)];
  // One document of their conditions when no two name the same field (a batch's `_id: {$in}` then
  // stands at the top, where mongo-java-server's index serves it; an `$and` it would scan for).
  const names = parts.flatMap((p) => Object.keys(p));
  const conditional: Record<string, unknown> =
    new Set(names).size === names.length
      ? Object.fromEntries(parts.flatMap((p) => Object.entries(p)))
      : { $and: parts };
  if (entry.unset === 'document') return (await collection.deleteMany(conditional)).deletedCount;
  const unset = Object.fromEntries(entry.unset.map((f) => [f, '']));
  return (await collection.updateMany(conditional, { $unset: unset })).modifiedCount;
}

function purgeCounters(ctx: AppContext): { records: Counter<'kind'>; batches: Counter; writes: Histogram } {
  const { registry } = metricsOf(ctx);
  const records =
    (registry.getSingleMetric('verisat_retention_purged_records_total') as Counter<'kind'> | undefined) ??
    new Counter({
      name: 'verisat_retention_purged_records_total',
      help: 'Records whose personal data the retention purge removed in this process, by kind (Model.period)',
      labelNames: ['kind'],
      registers: [registry],
    });
  const batches =
    (registry.getSingleMetric('verisat_retention_purge_batches_total') as Counter | undefined) ??
    new Counter({
      name: 'verisat_retention_purge_batches_total',
      help: 'Batches the retention purge wrote in this process',
      registers: [registry],
    });
  const writes =
    (registry.getSingleMetric('verisat_retention_purge_write_seconds') as Histogram | undefined) ??
    new Histogram({
      name: 'verisat_retention_purge_write_seconds',
      help: 'Time of each batch write of the retention purge in this process (paced to RETENTION_BATCH_TARGET_MS)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  return { records, batches, writes };
}

/** Queued replies and finished recording jobs in Redis, and the queues' event streams. */
async function purgeRedis(
  ctx: AppContext,
  cutoffs: Record<Period, Date>,
): Promise<{ inboundJobsRemoved: number; recordingJobsRemoved: number }> {
  // Inbound replies wait in Redis with the number and the text; finished ones are kept for
  // inspection, and a failed one forever: those older than the shorter period go.
  const redisCutoff = Math.min(cutoffs.phone.getTime(), cutoffs.comment.getTime());
  const inboundJobsRemoved = await removeInboundJobs(ctx, (job) => job.timestamp < redisCutoff);
  // Stored IVR recordings' jobs carry the recording's sid and URL (its id names the recording too).
  const recordingCutoff = cutoffs.recording.getTime();
  const recordingJobsRemoved = await removeFinishedJobs<VoiceJob>(
    ctx,
    VOICE_QUEUE,
    (job) => job.data.type === 'recording' && job.timestamp < recordingCutoff,
  );
  // Each queue's event stream names the jobs it saw; entries older than the period go (stream ids
  // are times, so MINID trims exactly those).
  await trimEvents(ctx, INBOUND_QUEUE, redisCutoff);
  await trimEvents(ctx, VOICE_QUEUE, recordingCutoff);
  return { inboundJobsRemoved, recordingJobsRemoved };
}

/** Removes finished and failed inbound jobs that `match`; the number removed. */
export function removeInboundJobs(
  ctx: AppContext,
  match: (job: Job<InboundJob>) => boolean,
): Promise<number> {
  return removeFinishedJobs<InboundJob>(ctx, INBOUND_QUEUE, match);
}

async function trimEvents(ctx: AppContext, queue: string, beforeMs: number): Promise<void> {
  await ctx.redis.xtrim(
    `${ctx.config.queuePrefix}:${queue}:events`,
    'MINID',
    String(Math.max(0, Math.floor(beforeMs))),
  );
}

/** Removes completed and failed jobs of a queue that `match`; the number removed. */
async function removeFinishedJobs<T>(
  ctx: AppContext,
  name: string,
  match: (job: Job<T>) => boolean,
): Promise<number> {
  const queue = ctx.queues.get<T>(name);
  const PAGE = 500;
  let removed = 0;
  for (const state of ['completed', 'failed'] as const) {
    // Removing shifts later jobs down a page, so each page starts after what was kept.
    let kept = 0;
    for (;;) {
      const jobs = await queue.getJobs([state], kept, kept + PAGE - 1, true);
      if (jobs.length === 0) break;
      for (const job of jobs) {
        if (match(job)) {
          await job.remove();
          removed += 1;
        } else kept += 1;
      }
      if (jobs.length < PAGE) break;
    }
  }
  return removed;
}
