import { sealOutcome } from '../../audit-chain/seal.js';
import type { AppContext } from '../../context.js';
import type { FollowUpDoc, FollowUpState, Outcome } from '../../db/models/followup.js';
import { updateScoreFromFollowUp } from '../../scores/writes.js';
import {
  ANSWER_QUEUE,
  answerJobId,
  type AnswerJob,
  DISPUTE_QUEUE,
  disputeJobId,
  FOLLOWUP_QUEUE,
  followUpJobId,
  MAX_CHANNELS,
  type DisputeJob,
} from '../queue.js';
import { queueDisputeAlert } from './dispute-alert.js';
import { followDisputeEffects } from './dispute-follow.js';

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

export function isOpen(state: string): boolean {
  return (OPEN_STATES as readonly string[]).includes(state);
}

/** Removes the follow-up's pending jobs; a job that is running right now re-checks state and stops. */
export async function removePendingJobs(
  ctx: AppContext,
  ticketRef: string,
  closureNumber: number,
  kinds: readonly ('send' | 'reminder' | 'expire' | 'next')[] = ['send', 'reminder', 'expire', 'next'],
): Promise<void> {
  const queue = ctx.queues.get(FOLLOWUP_QUEUE);
  const ids = kinds.flatMap((kind) =>
    kind === 'next'
      ? Array.from({ length: MAX_CHANNELS - 1 }, (_, i) =>
          followUpJobId('next', ticketRef, closureNumber, i + 1),
        )
      : [followUpJobId(kind, ticketRef, closureNumber)],
  );
  await Promise.all(ids.map((id) => queue.remove(id)));
}

/** A follow-up as a writer read it: the revision is what its conditional write checks. */
type Read = Pick<FollowUpDoc, '_id' | 'revision'>;

export interface TransitionWrite {
  $set?: Record<string, unknown>;
  $unset?: Record<string, 1>;
  $push?: Record<string, unknown>;
}

// Why: docs/decisions/0002-conditional-updates-not-locks.md
/**
 * The one way a follow-up changes: a single `findOneAndUpdate` whose filter says the follow-up is
 * still the revision the writer decided on (plus any condition of its own), so of several racing
 * writers exactly one wins and the others get null and know they lost. The winner's write also
 * raises `effectsPending`; `applyEffects` then brings the score and the queues in line and lowers
 * it. There are no transactions: a crash between the two leaves the flag up, and the reconciler
 * replays the effects, which are idempotent and derived from the stored follow-up alone. A writer
 * that has already made its effects happen (the sender marks the score sent before it records the
 * send) passes `effects: false`.
 */
export async function transition(
  ctx: AppContext,
  read: Read,
  write: TransitionWrite,
  condition: Record<string, unknown> = {},
  opts: { effects?: boolean } = {},
): Promise<FollowUpDoc | null> {
  return ctx.models.FollowUp.findOneAndUpdate(
    { _id: read._id, revision: read.revision ?? 0, ...condition },
    {
      $set: { ...write.$set, ...(opts.effects === false ? {} : { effectsPending: true }) },
      ...(write.$unset ? { $unset: write.$unset } : {}),
      ...(write.$push ? { $push: write.$push } : {}),
      $inc: { revision: 1 },
    },
    { returnDocument: 'after' },
  ).lean<FollowUpDoc>();
}

/**
 * The effects of a stored transition, each idempotent: the score, the dispute notification (its job
 * id is derived from the closure), the record of what the agency did after a dispute, the jobs that can no longer be useful. Then the flag is lowered,
 * only if no later transition raised it again.
 */
export async function applyEffects(ctx: AppContext, f: FollowUpDoc): Promise<void> {
  await updateScoreFromFollowUp(ctx, f);
  const stale: ('send' | 'reminder' | 'expire' | 'next')[] = isOpen(f.state)
    ? [...(f.answeredAt ? (['reminder', 'next'] as const) : [])]
    : ['send', 'reminder', 'expire', 'next'];
  await Promise.all([
    f.outcome === 'disputed' ? queueDisputeNotification(ctx, f) : undefined,
    f.outcome === 'disputed' ? queueDisputeAlert(ctx, f, isOpen(f.state)) : undefined,
    !isOpen(f.state) && f.answeredAt ? queueAnswerNotification(ctx, f) : undefined,
    followDisputeEffects(ctx, f),
    stale.length > 0 ? removePendingJobs(ctx, f.ticketRef, f.closureNumber, stale) : undefined,
  ]);
  await ctx.models.FollowUp.updateOne(
    { _id: f._id, revision: f.revision, effectsPending: true },
    { $unset: { effectsPending: 1 } },
  );
}

/** Effects left pending by a writer that crashed; the reconciler calls it. */
export async function replayPendingEffects(ctx: AppContext, olderThanMs: number): Promise<number> {
  let replayed = 0;
  for await (const f of ctx.models.FollowUp.find({
    effectsPending: true,
    updatedAt: { $lt: new Date(Date.now() - olderThanMs) },
  })
    .lean<FollowUpDoc>()
    .cursor()) {
    await applyEffects(ctx, f);
    replayed += 1;
  }
  return replayed;
}

export interface CloseOptions {
  state: FollowUpState;
  outcome: Outcome;
  /** Leaves a follow-up whose "solved?" was answered as it is. */
  onlyIfUnanswered?: boolean;
  /** Only from these states (default: any open state). */
  from?: readonly FollowUpState[];
}

/**
 * Ends a follow-up that is still open, in one conditional update that needs no read: of the callers
 * that race to close it (status callback, expiry job, reopen, opt-out, an answer), the first wins and
 * the rest get null. An answer already given keeps its outcome (a citizen who said "not solved"
 * and then STOP is still a dispute).
 */
export async function closeFollowUp(
  ctx: AppContext,
  followUp: { _id: unknown },
  opts: CloseOptions,
): Promise<FollowUpDoc | null> {
  const filter = {
    _id: followUp._id,
    state: { $in: opts.from ?? OPEN_STATES },
    ...(opts.onlyIfUnanswered ? { solved: null } : {}),
  };
  // An answered follow-up keeps its outcome: two updates, each conditional, cover both cases.
  const closed =
    (await ctx.models.FollowUp.findOneAndUpdate(
      { ...filter, solved: null },
      { $set: { state: opts.state, outcome: opts.outcome, effectsPending: true }, $inc: { revision: 1 } },
      { returnDocument: 'after' },
    ).lean<FollowUpDoc>()) ??
    (opts.onlyIfUnanswered
      ? null
      : await ctx.models.FollowUp.findOneAndUpdate(
          { ...filter, solved: { $ne: null } },
          { $set: { state: opts.state, effectsPending: true }, $inc: { revision: 1 } },
          { returnDocument: 'after' },
        ).lean<FollowUpDoc>());
  if (!closed) return null;
  try {
    await applyEffects(ctx, closed);
  } finally {
    // Only the write that set the outcome seals it (an answered follow-up's outcome is in its
    // answers), and it does so even when the effects fail: the reconciler replays those, not this.
    if (closed.solved == null) await sealDecidedOutcome(ctx, closed);
  }
  ctx.log.info(
    {
      followUpId: closed._id.toString(),
      ticketRef: closed.ticketRef,
      closure: closed.closureNumber,
      outcome: closed.outcome,
    },
    'follow-up closed',
  );
  return closed;
}

/**
 * Seals an outcome no answer decided, by the writer whose conditional write decided it, so the
 * verifier (audit-chain/records.ts) can tell an edited score from the one the system wrote. What the
 * follow-up already knows is sealed with it: whether the question went out (the score is marked sent
 * before the follow-up records the send) and reached the handset (the score is marked delivered
 * before the attempt records it). Never fails the write it follows: sealOutcome logs its own failure.
 */
export async function sealDecidedOutcome(ctx: AppContext, f: FollowUpDoc): Promise<void> {
  if (!f.outcome) return;
  await sealOutcome(ctx, {
    followUpId: f._id.toString(),
    ticketRef: f.ticketRef,
    closureNumber: f.closureNumber,
    revision: f.revision ?? 0,
    outcome: f.outcome,
    sent: f.sentAt != null,
    delivered: (f.attempts ?? []).some((a) => a.result === 'delivered' || a.result === 'read'),
  });
}

/**
 * Queues the notification of a disputed closure to the agency's ticket system (retried by BullMQ).
 * While the citizen is still being asked for a rating and a reason it waits (DISPUTE_WEBHOOK_GRACE_SECONDS),
 * so answers typed in the same breath as "not solved" travel with it; the transition that ends the
 * conversation runs this again and sends the waiting job at once. The worker reads the follow-up
 * when it sends, so the body carries what is known then.
 */
export async function queueDisputeNotification(
  ctx: AppContext,
  followUp: { _id: unknown; ticketRef: string; closureNumber: number; state: string },
): Promise<void> {
  const job: DisputeJob = { followUpId: String(followUp._id) };
  const jobId = disputeJobId(followUp.ticketRef, followUp.closureNumber);
  const queue = ctx.queues.get<DisputeJob>(DISPUTE_QUEUE);
  const asking = isOpen(followUp.state);
  const graceMs = ctx.config.followUp.disputeGraceMs;
  await queue.add('dispute', job, {
    jobId,
    ...(asking && graceMs > 0 ? { delay: graceMs } : {}),
    attempts: 12,
    backoff: { type: 'exponential', delay: ctx.config.followUp.disputeRetryBaseMs, jitter: 0.2 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  });
  if (asking || graceMs === 0) return;
  const waiting = await queue.getJob(jobId);
  if (!waiting || (await waiting.getState()) !== 'delayed') return;
  await waiting.promote().catch(async (err: unknown) => {
    // Became due, or a retry's backoff delayed it, between the read and the promote: it runs anyway,
    // unless it is still waiting out the grace, which is worth saying.
    if ((await waiting.getState()) === 'delayed' && waiting.attemptsMade === 0) throw err;
  });
}

/**
 * Queues the citizen's verdict for the agency's answer webhook, once the conversation is over (so
 * the rating, the reason and the words travel together), and only for an agency that set one up:
 * most do not, and a job per answer for nobody would only fill Redis. Once per closure (job id).
 */
async function queueAnswerNotification(
  ctx: AppContext,
  f: { _id: unknown; agency: string; ticketRef: string; closureNumber: number },
): Promise<void> {
  const agency = await ctx.models.Agency.findOne({ code: f.agency }, { answerWebhookUrl: 1 }).lean();
  if (!agency?.answerWebhookUrl) return;
  const job: AnswerJob = { followUpId: String(f._id) };
  await ctx.queues.get<AnswerJob>(ANSWER_QUEUE).add('answer', job, {
    jobId: answerJobId(f.ticketRef, f.closureNumber),
    attempts: 12,
    backoff: { type: 'exponential', delay: ctx.config.followUp.disputeRetryBaseMs, jitter: 0.2 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  });
}
