import type { UpdateQuery } from 'mongoose';
import type { AppContext } from '../context.js';
import type { FollowUp, FollowUpDoc, FollowUpState, Outcome, VerifiedScore } from '../db/models/followup.js';
import { markSumsPending, refreshSumsOfScores } from '../reports/daily-sums.js';
import { lockClosure } from './lock.js';
import { DISPUTE_QUEUE, disputeJobId, FOLLOWUP_QUEUE, followUpJobId, type DisputeJob } from './queue.js';

export const OPEN_STATES: readonly FollowUpState[] = [
  'scheduled',
  'sending',
  'awaiting_solved',
  'awaiting_rating',
  'awaiting_reason',
];
export const AWAITING_STATES: readonly FollowUpState[] = [
  'awaiting_solved',
  'awaiting_rating',
  'awaiting_reason',
];

/** Removes the follow-up's pending jobs; a job that is running right now re-checks state and stops. */
export async function removePendingJobs(
  ctx: AppContext,
  ticketRef: string,
  closureNumber: number,
): Promise<void> {
  const queue = ctx.queues.get(FOLLOWUP_QUEUE);
  await Promise.all(
    (['send', 'reminder', 'expire'] as const).map((kind) =>
      queue.remove(followUpJobId(kind, ticketRef, closureNumber)),
    ),
  );
}

export interface CloseOptions {
  state: FollowUpState;
  outcome: Outcome;
  /** Leaves a follow-up whose "solved?" was answered as it is. */
  onlyIfUnanswered?: boolean;
}

/**
 * Ends a follow-up that is still open. The state check, on a read under the closure's lock, makes it
 * safe to call from several places at once (status callback, expiry job, reopen): only the first one
 * changes anything. Callers pass the follow-up they read, whose closure names the lock.
 */
export async function closeFollowUp(
  ctx: AppContext,
  followUp: { _id: unknown; ticketRef: string; closureNumber: number },
  opts: CloseOptions,
): Promise<boolean> {
  const closed = await lockClosure(ctx, followUp, async () => {
    const current = await ctx.models.FollowUp.findById(followUp._id).lean<FollowUpDoc>();
    return current ? closeLockedFollowUp(ctx, current, opts) : null;
  });
  return closed !== null;
}

/**
 * `closeFollowUp` for a caller that holds the closure's lock and has just read `current` under it.
 * Returns the closed follow-up, or null when it was no longer open.
 */
export async function closeLockedFollowUp(
  ctx: AppContext,
  current: FollowUpDoc,
  opts: CloseOptions,
): Promise<FollowUpDoc | null> {
  if (!(OPEN_STATES as readonly string[]).includes(current.state)) return null;
  if (opts.onlyIfUnanswered && current.solved != null) return null;
  // The score first and the follow-up's state last: a crash in between leaves the follow-up open,
  // and whatever closes it next writes the score again.
  await updateScore(ctx, current, { $set: { outcome: opts.outcome } });
  const closed = await ctx.models.FollowUp.findOneAndUpdate(
    { _id: current._id },
    { $set: { state: opts.state, outcome: opts.outcome }, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean<FollowUpDoc>();
  await removePendingJobs(ctx, current.ticketRef, current.closureNumber);
  ctx.log.info(
    {
      followUpId: current._id.toString(),
      ticketRef: current.ticketRef,
      closure: current.closureNumber,
      outcome: opts.outcome,
    },
    'follow-up closed',
  );
  return closed;
}

/** Queues the notification of a disputed closure to the agency's ticket system (retried by BullMQ). */
export async function queueDisputeNotification(
  ctx: AppContext,
  followUp: { _id: unknown; ticketRef: string; closureNumber: number },
): Promise<void> {
  const job: DisputeJob = { followUpId: String(followUp._id) };
  await ctx.queues.get<DisputeJob>(DISPUTE_QUEUE).add('dispute', job, {
    jobId: disputeJobId(followUp.ticketRef, followUp.closureNumber),
    attempts: 12,
    backoff: { type: 'exponential', delay: ctx.config.followUp.disputeRetryBaseMs, jitter: 0.2 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  });
}

/**
 * Finds a follow-up's score by `_id` when the follow-up knows it (FerretDB reads the whole collection
 * for any other filter); follow-ups stored before `scoreId` existed use the closure key.
 */
export function scoreFilter(f: {
  ticketRef: string;
  closureNumber: number;
  scoreId?: unknown;
}): Record<string, unknown> {
  return f.scoreId ? { _id: f.scoreId } : { ticketRef: f.ticketRef, closureNumber: f.closureNumber };
}

/**
 * Writes a follow-up by `_id` alone, checking `guard` in code on a read by `_id` first. FerretDB
 * 1.24 on SQLite uses no index for queries (README, design decisions): only a filter on `_id` alone
 * reaches SQL; any wider filter (a state condition) would decode every follow-up. Every writer of a closure holds its lock (db/doc-lock.ts), so what the guard read is still true
 * when the write lands. Returns null when the guard refuses. (FerretDB v1 does not support a
 * projection on findAndModify, so the whole document comes back.)
 */
export async function updateFollowUp(
  ctx: AppContext,
  id: unknown,
  update: UpdateQuery<FollowUp>,
  guard?: (current: FollowUpDoc) => boolean,
): Promise<FollowUpDoc | null> {
  const { FollowUp } = ctx.models;
  if (guard) {
    const current = await FollowUp.findById(id).lean<FollowUpDoc>();
    if (!current || !guard(current)) return null;
  }
  return FollowUp.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' }).lean<FollowUpDoc>();
}

/** Writes a follow-up's verified score, by its `_id` when known (see updateFollowUp for why). */
export async function updateScore(
  ctx: AppContext,
  f: { ticketRef: string; closureNumber: number; scoreId?: unknown },
  update: UpdateQuery<VerifiedScore>,
): Promise<void> {
  await ctx.models.VerifiedScore.findOneAndUpdate(scoreFilter(f), markSumsPending(update)).lean();
  await refreshSumsOfScores(ctx, scoreFilter(f));
}
