import type { Job } from 'bullmq';
import type { AppContext } from '../context.js';
import { INBOUND_QUEUE, type InboundJob } from '../followup/conversation/inbound.js';
import { VOICE_QUEUE, type VoiceJob } from '../voice/persistence.js';
import { PERSONAL_FIELDS, type PersonalFields, type Period } from './personal-fields.js';

const DAY = 86_400_000;

export interface PurgeReport {
  /** Documents changed per `Model.period`, e.g. `FollowUp.phone`. */
  changed: Record<string, number>;
  /** Queued inbound replies (number and text) removed from Redis. */
  inboundJobsRemoved: number;
  /** Finished IVR recording jobs (the recording's sid and URL) removed from Redis. */
  recordingJobsRemoved: number;
  cutoffs: Record<Period, string>;
}

/**
 * Removes personal data older than its retention period from every collection that holds it
 * (personal-fields.ts), leaving what the reports count: outcomes, ratings, reasons as codes, days,
 * channels, the daily sums. Each step is one conditional updateMany (or deleteMany) per field group,
 * idempotent and safe beside live writers: it only touches documents older than the period, and
 * only unsets fields no report reads.
 */
export async function purgeExpiredPersonalData(
  ctx: AppContext,
  opts: { now?: Date } = {},
): Promise<PurgeReport> {
  const now = (opts.now ?? new Date()).getTime();
  const r = ctx.config.retention;
  const cutoff: Record<Period, Date> = {
    phone: new Date(now - r.phoneDays * DAY),
    recording: new Date(now - r.recordingDays * DAY),
    comment: new Date(now - r.commentDays * DAY),
  };
  const changed: Record<string, number> = {};
  for (const entry of PERSONAL_FIELDS) {
    const filter = { [entry.since]: { $lt: cutoff[entry.period] }, ...presentFilter(entry) };
    const n = await removeFields(ctx, entry, filter);
    const key = `${entry.model}.${entry.period}`;
    changed[key] = (changed[key] ?? 0) + n;
  }
  // Inbound replies wait in Redis with the number and the text; finished ones are kept for
  // inspection, and a failed one forever: those older than the shorter period go.
  const redisCutoff = Math.min(cutoff.phone.getTime(), cutoff.comment.getTime());
  const inboundJobsRemoved = await removeInboundJobs(ctx, (job) => job.timestamp < redisCutoff);
  // Stored IVR recordings' jobs carry the recording's sid and URL (its id names the recording too).
  const recordingCutoff = cutoff.recording.getTime();
  const recordingJobsRemoved = await removeFinishedJobs<VoiceJob>(
    ctx,
    VOICE_QUEUE,
    (job) => job.data.type === 'recording' && job.timestamp < recordingCutoff,
  );
  // Each queue's event stream names the jobs it saw; entries older than the period go (stream ids
  // are times, so MINID trims exactly those).
  await trimEvents(ctx, INBOUND_QUEUE, redisCutoff);
  await trimEvents(ctx, VOICE_QUEUE, recordingCutoff);
  const report: PurgeReport = {
    changed,
    inboundJobsRemoved,
    recordingJobsRemoved,
    cutoffs: {
      phone: cutoff.phone.toISOString(),
      recording: cutoff.recording.toISOString(),
      comment: cutoff.comment.toISOString(),
    },
  };
  ctx.log.info(report, 'retention purge done');
  return report;
}

/** Matches documents that still hold one of the entry's fields, so a purge re-run changes nothing. */
function presentFilter(entry: PersonalFields): Record<string, unknown> {
  if (entry.unset === 'document') return {};
  return {
    $or: entry.unset.map((f) => ({ [f.replace('.$[]', '')]: { $exists: true } })),
  };
}

/** Unsets the entry's fields (or deletes the documents) matching `filter`; the number changed. */
export async function removeFields(
  ctx: AppContext,
  entry: PersonalFields,
  filter: Record<string, unknown>,
): Promise<number> {
  // The raw collection: these are plain $unset writes, and some fields are `required` in the
  // schemas (a ticket's number), which an old record legitimately loses here.
  const collection = ctx.models[entry.model].collection;
  if (entry.unset === 'document') return (await collection.deleteMany(filter)).deletedCount;
  const unset = Object.fromEntries(entry.unset.map((f) => [f, '']));
  return (await collection.updateMany(filter, { $unset: unset })).modifiedCount;
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
