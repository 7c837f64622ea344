import type { Job } from 'bullmq';
import type { CitizenLanguage } from '../i18n/languages.js';
import type { AppContext } from '../context.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { turnBatcher } from '../queue/turn-batch.js';
import type { WorkerDefinition } from '../queue/workers.js';
import { localDay } from '../followup/schedule/send-window.js';
import { recordPostCallRating } from '../scores/writes.js';

/**
 * IVR answers reach MongoDB through this queue, never in the request: a step answers from Redis in
 * milliseconds, and while MongoDB is down the jobs wait and retry, so a caller still finishes the
 * menu and nothing pressed is lost. Job ids are derived from CallSid and step, so a replayed
 * webhook never counts twice.
 */
export const VOICE_QUEUE = 'voice-answers';

interface CallContext {
  callSid: string;
  flow: string;
  lang: CitizenLanguage;
  agentId: string;
  ticketRef: string;
}

/** A key answer of an outbound verification call (src/followup/channels/voice-call.ts). */
export interface CallAnswerJob {
  type: 'verify';
  callSid: string;
  followUpId: string;
  step: string;
  field: 'solved' | 'rating' | 'reason';
  value: number | boolean | string;
  at: string;
}

/**
 * Applies a verification call's answer to its follow-up's conversation. Given by whoever starts the
 * worker, so this queue, which the follow-up stage's calls use, does not depend on that stage.
 */
export type CallAnswerHandler = (ctx: AppContext, job: CallAnswerJob) => Promise<unknown>;

export type AnswerJob = {
  type: 'answer';
  step: string;
  field: string | undefined;
  value: number | boolean | string;
  digits: string;
  at: string;
} & CallContext;

export type VoiceJob =
  | AnswerJob
  /** Answers that arrived in one event-loop turn, from any calls; stored one by one, in order. */
  | { type: 'answers'; answers: AnswerJob[] }
  | ({
      type: 'recording';
      recordingSid: string;
      url: string;
      durationSec: number;
      status: string;
    } & CallContext)
  | { type: 'finalise'; callSid: string; callStatus: string; durationSec: number | undefined }
  /** A key answer of an outbound verification call, for the follow-up's conversation. */
  | CallAnswerJob;

/** Undefined for a batch: BullMQ numbers it (a batch id could repeat, and a repeated id is dropped). */
function jobId(job: VoiceJob): string | undefined {
  if (job.type === 'answers') return undefined;
  const sid = job.callSid;
  if (job.type === 'answer') return `va-${sid}-${job.step}`;
  if (job.type === 'verify') return `vv-${sid}-${job.step}`;
  if (job.type === 'recording') return `vr-${sid}-${job.recordingSid}`;
  return `vf-${sid}`;
}

export async function queueVoiceJob(ctx: AppContext, job: VoiceJob, delayMs = 0): Promise<void> {
  const id = jobId(job);
  await ctx.queues.get<VoiceJob>(VOICE_QUEUE).add(job.type, job, {
    ...(id ? { jobId: id } : {}),
    // Retried for hours at a steady pace: an answer must survive a MongoDB outage, not give up.
    attempts: 10_000,
    backoff: { type: 'fixed', delay: ctx.config.voice.retryMs },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: false,
    ...(delayMs > 0 ? { delay: delayMs } : {}),
  });
}

/**
 * Queues IVR answers, one BullMQ job per event-loop turn instead of one per answer: under load many
 * steps arrive in the same turn, and the add was the largest cost of a rating step. Each caller's
 * request still waits until its answer is in Redis. Storing an answer is idempotent per call and
 * step, so a batch replayed after a failure, or an answer repeated in two batches, counts once.
 */
export function answerQueue(ctx: AppContext): (answer: AnswerJob) => Promise<void> {
  return turnBatcher<AnswerJob, void>(async (answers) => {
    const only = answers.length === 1 ? answers[0] : undefined;
    await queueVoiceJob(ctx, only ?? { type: 'answers', answers });
    return answers.map(() => undefined);
  });
}

type RatingStatus = 'complete' | 'partial' | 'abandoned';

function statusOf(r: {
  agentRating?: number | null;
  solvedOnCall?: boolean | null;
  answers: unknown[];
}): RatingStatus {
  if (r.agentRating != null && r.solvedOnCall != null) return 'complete';
  return r.answers.length > 0 ? 'partial' : 'abandoned';
}

async function ensureRating(ctx: AppContext, c: CallContext): Promise<void> {
  const [agent] = c.agentId ? await ctx.models.Agent.find({ agentId: c.agentId }).limit(1).lean() : [];
  const upsert = () =>
    ctx.models.PostCallRating.updateOne(
      { callSid: c.callSid },
      {
        $setOnInsert: {
          callSid: c.callSid,
          flow: c.flow,
          language: c.lang,
          ...(c.agentId ? { agentId: c.agentId } : {}),
          ...(c.ticketRef ? { ticketRef: c.ticketRef } : {}),
          ...(agent ? { agency: agent.agency, department: agent.department } : {}),
          day: localDay(new Date(), ctx.config.timeZone),
        },
      },
      { upsert: true },
    );
  // Two first answers of one call upsert at once: MongoDB retries such a race itself, a stand-in
  // may report the unique key instead, and then the document is there.
  await upsert().catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
    return upsert();
  });
}

/**
 * Writes the call's status from what is stored (and, when finalising, the end of the call with it).
 * The status is derived from the answers, and an answer can land while it is written: the write
 * holds only if the answers are still the ones it was derived from, else it is derived again
 * (answers only grow, so this ends). An answer stored after finalisation writes the status itself.
 */
async function writeStatus(
  ctx: AppContext,
  callSid: string,
  finalise?: { durationSec: number | undefined },
): Promise<RatingStatus | undefined> {
  const { PostCallRating } = ctx.models;
  for (;;) {
    const rating = await PostCallRating.findOne({ callSid }).lean();
    if (!rating) return undefined;
    const status = statusOf(rating);
    const written = await PostCallRating.updateOne(
      { callSid, answers: { $size: rating.answers.length } },
      {
        $set: {
          status,
          ...(finalise ? { finalisedAt: new Date() } : {}),
          ...(finalise?.durationSec !== undefined ? { callDurationSec: finalise.durationSec } : {}),
        },
      },
    );
    if (written.matchedCount === 1) return status;
  }
}

async function process(ctx: AppContext, job: VoiceJob, applyCallAnswer: CallAnswerHandler): Promise<unknown> {
  if (job.type === 'answers') {
    const results: unknown[] = [];
    for (const answer of job.answers) results.push(await process(ctx, answer, applyCallAnswer));
    return results;
  }
  if (job.type === 'verify') return applyCallAnswer(ctx, job);
  const { PostCallRating } = ctx.models;
  // Each write below is atomic on the call's document and guarded by what must still be true, so
  // jobs of one call may run at once in several workers.
  if (job.type === 'answer') {
    await ensureRating(ctx, job);
    const set: Record<string, unknown> = { [`answered.${job.step}`]: true };
    if (job.field) set[job.field] = job.value;
    const updated = await PostCallRating.findOneAndUpdate(
      { callSid: job.callSid, [`answered.${job.step}`]: { $exists: false } },
      {
        $set: set,
        $push: { answers: { step: job.step, digits: job.digits, value: job.value, at: new Date(job.at) } },
      },
      { returnDocument: 'after' },
    ).lean();
    // Found stored already: a replay, or an earlier attempt whose write landed while its reply was
    // lost (MongoDB went away). What follows is idempotent, so it runs from what is stored either
    // way; skipping it on a retry left a finalised call's status stale and its score unlinked.
    const stored =
      updated ??
      (await PostCallRating.findOne({ callSid: job.callSid, [`answered.${job.step}`]: true }).lean());
    // An answer that arrives after the call was finalised (MongoDB was down) updates its status.
    if (stored?.finalisedAt) await writeStatus(ctx, job.callSid);
    if (stored && job.field === 'agentRating' && stored.ticketRef)
      await recordPostCallRating(ctx, {
        ticketRef: stored.ticketRef,
        ratingId: stored._id,
        value: stored.agentRating ?? job.value,
      });
    return { stored: updated !== null };
  }
  if (job.type === 'recording') {
    await ensureRating(ctx, job);
    await PostCallRating.updateOne(
      { callSid: job.callSid },
      {
        $set: {
          recording: {
            sid: job.recordingSid,
            url: job.url,
            durationSec: job.durationSec,
            status: job.status,
          },
        },
      },
    );
    return { stored: true };
  }
  const status = await writeStatus(ctx, job.callSid, { durationSec: job.durationSec });
  if (status !== undefined) return { status };
  // The caller hung up before any answer (or before the menu): an abandoned rating is still a fact.
  try {
    await PostCallRating.create({
      callSid: job.callSid,
      flow: 'post-call-rating',
      status: 'abandoned',
      callDurationSec: job.durationSec,
      finalisedAt: new Date(),
      day: localDay(new Date(), ctx.config.timeZone),
    });
    return { status: 'abandoned' };
  } catch (err) {
    // An answer job created the document meanwhile: finalise that one.
    if (!isDuplicateKey(err)) throw err;
    return process(ctx, job, applyCallAnswer);
  }
}

export function voiceWorker(ctx: AppContext, applyCallAnswer: CallAnswerHandler): WorkerDefinition {
  return {
    queue: VOICE_QUEUE,
    options: { concurrency: 20 },
    process: (job: Job) => process(ctx, job.data as VoiceJob, applyCallAnswer),
  };
}
