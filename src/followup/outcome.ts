import type { AppContext } from '../context.js';
import type { FollowUpState, Outcome } from '../db/models/followup.js';
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

/**
 * Ends a follow-up that is still open. The state filter makes it safe to call from several places at
 * once (status callback, expiry job, reopen): only the first one changes anything.
 */
export async function closeFollowUp(
  ctx: AppContext,
  followUpId: string,
  opts: { state: FollowUpState; outcome: Outcome; onlyIfUnanswered?: boolean },
): Promise<boolean> {
  const target = await ctx.models.FollowUp.findById(followUpId)
    .select({ ticketRef: 1, closureNumber: 1 })
    .lean();
  if (!target) return false;
  const filter: Record<string, unknown> = { _id: followUpId, state: { $in: OPEN_STATES } };
  if (opts.onlyIfUnanswered) filter.solved = { $exists: false };
  const closed = await lockClosure(ctx, target, async () => {
    const done = await ctx.models.FollowUp.findOneAndUpdate(
      filter,
      { $set: { state: opts.state, outcome: opts.outcome }, $inc: { revision: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (done) {
      await ctx.models.VerifiedScore.updateOne(scoreFilter(done), { $set: { outcome: opts.outcome } });
    }
    return done;
  });
  if (!closed) return false;
  await removePendingJobs(ctx, closed.ticketRef, closed.closureNumber);
  ctx.log.info(
    { followUpId, ticketRef: closed.ticketRef, closure: closed.closureNumber, outcome: opts.outcome },
    'follow-up closed',
  );
  return true;
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
