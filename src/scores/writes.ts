import type { Types } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { FollowUpDoc, VerifiedScore } from '../db/models/followup.js';
import {
  countScore,
  countScores,
  countScoresMatching,
  SCORE_SUMS_FIELDS,
  type CountableScore,
  SUMS_PENDING,
  type SumsContext,
} from './sums/daily-sums.js';

/**
 * Every write of a verified score: its creation at the closure, and its updates from the follow-up
 * (an answer, an outcome), from a send, from a delivery receipt and from a post-call rating. Each
 * is one atomic write that also raises the score's revision (`sumsRev`) and marks its daily sums
 * pending, then counts the score it got back in its day's sums (sums/daily-sums.ts), which a crash
 * in between leaves to the repair sweep. A write whose filter matches nothing (already newer,
 * already set) changes no sums. Apart from these, scores are only seeded whole (the sandbox's demo
 * month, followed by a sums rebuild) and stripped of personal fields by the retention purge, which
 * no sum counts.
 */

/** What the closure tells a score when it is created; everything else comes with later writes. */
export type NewScore = Pick<
  VerifiedScore,
  'ticketRef' | 'closureNumber' | 'agency' | 'department' | 'agentId' | 'closedAt' | 'day'
> &
  Partial<
    Pick<
      VerifiedScore,
      'citizenPhone' | 'language' | 'channel' | 'outcome' | 'postCallRatingId' | 'postCallRating'
    >
  >;

/**
 * The score of a closure, from the closure on, so "closures" counts do not depend on answers.
 * Inserted, not upserted: the unique closure key refuses a second one, and a repeat must not
 * overwrite what the first recorded; it gets the stored score back instead, and counts it too, as
 * the first writer may have died between its insert and its count. Null only if the score that
 * refused the insert is gone by the time it is read.
 */
export async function createScore(
  ctx: SumsContext,
  fields: NewScore,
): Promise<{ _id: Types.ObjectId } | null> {
  const { VerifiedScore } = ctx.models;
  const score = await VerifiedScore.create({ ...fields, ...SUMS_PENDING, sumsRev: 1 }).then(
    (doc) => doc.toObject(),
    (err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
      return VerifiedScore.findOne({ ticketRef: fields.ticketRef, closureNumber: fields.closureNumber })
        .select(SCORE_SUMS_FIELDS)
        .lean();
    },
  );
  if (score) await countScore(ctx, score);
  return score;
}

/**
 * One write of one score: a conditional update that also marks its daily sums pending and raises
 * its revision, then the count of the score it got back. What every update below comes down to.
 */
export async function writeScore(
  ctx: SumsContext,
  filter: Record<string, unknown>,
  set: Record<string, unknown>,
  unset?: Record<string, 1>,
): Promise<void> {
  const written = await ctx.models.VerifiedScore.findOneAndUpdate(
    filter,
    { $set: { ...set, ...SUMS_PENDING }, $inc: { sumsRev: 1 }, ...(unset ? { $unset: unset } : {}) },
    { projection: SCORE_SUMS_FIELDS, returnDocument: 'after' },
  ).lean();
  if (written) await countScore(ctx, written);
}

/** What a follow-up tells its score. */
export type FollowUpOfScore = Pick<
  FollowUpDoc,
  'revision' | 'solved' | 'rating' | 'reason' | 'comment' | 'outcome' | 'answeredAt' | 'channel' | 'attempts'
> & { sentAt?: Date | null };

/** What the verified score records of a follow-up: all of it derived from the follow-up itself. */
export function scoreFieldsOf(f: FollowUpOfScore): Record<string, unknown> {
  return {
    // Only ever raised: the sender marks the score sent before it records the send on the
    // follow-up, so an answer landing in between must not lower it again.
    ...(f.sentAt != null ? { sent: true } : {}),
    ...(f.solved != null ? { solved: f.solved } : {}),
    ...(f.rating != null ? { rating: f.rating } : {}),
    ...(f.reason != null ? { reason: f.reason } : {}),
    ...(f.comment != null ? { comment: f.comment } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.outcome && f.answeredAt ? { channel: f.channel } : {}),
    ...(f.attempts?.length
      ? {
          attempts: f.attempts.map((a) => ({
            channel: a.channel,
            at: a.at,
            ...(a.result ? { result: a.result } : {}),
          })),
        }
      : {}),
    ...(f.answeredAt ? { answeredAt: f.answeredAt } : {}),
    followUpRevision: f.revision,
  };
}

/**
 * Copies a follow-up's revision into its score: its answers and outcome. The filter takes only a
 * newer revision, so two writers whose score writes land out of order leave the newer one, and a
 * replay changes nothing.
 */
export async function updateScoreFromFollowUp(
  ctx: SumsContext,
  f: FollowUpOfScore & Pick<FollowUpDoc, 'ticketRef' | 'closureNumber'>,
): Promise<void> {
  await writeScore(
    ctx,
    {
      ticketRef: f.ticketRef,
      closureNumber: f.closureNumber,
      $or: [{ followUpRevision: { $lt: f.revision } }, { followUpRevision: { $exists: false } }],
    },
    scoreFieldsOf(f),
    // A follow-up scheduled again after a cancellation has no outcome any more: nor has its score.
    f.outcome ? undefined : { outcome: 1 },
  );
}

type Closure = { ticketRef: string; closureNumber: number };

/** The first message went out: monotonic, written before the follow-up records the send. */
export async function markScoreSent(ctx: SumsContext, f: Closure): Promise<void> {
  await writeScore(
    ctx,
    { ticketRef: f.ticketRef, closureNumber: f.closureNumber, sent: { $ne: true } },
    { sent: true },
  );
}

/**
 * `markScoreSent` for a batch of sends: one bulk command by score id (follow-ups from before
 * `scoreId` one by one). Returns the counting still to do, which the caller may run beside its own
 * next write: the scores' pending flags already hold it for the repair sweep should the caller die.
 * `read`, by score id: the scores as the caller read them before the send (`SCORE_SUMS_FIELDS` and
 * `sumsPending`), which saves reading them and their buckets again to count them.
 */
export async function markScoresSent(
  ctx: SumsContext,
  sends: (Closure & Pick<FollowUpDoc, 'scoreId'>)[],
  read?: ReadonlyMap<string, CountableScore & { sumsPending?: boolean | null }>,
): Promise<() => Promise<void>> {
  const scoreIds = new Map(sends.flatMap((s) => (s.scoreId ? [[String(s.scoreId), s.scoreId]] : [])));
  await Promise.all(sends.filter((s) => !s.scoreId).map((s) => markScoreSent(ctx, s)));
  if (scoreIds.size === 0) return async () => {};
  const ids = [...scoreIds.values()];
  const known = ids.map((id) => read?.get(String(id)));
  if (known.every((k) => k && !k.sumsPending && k.sent !== true && typeof k.sumsRev === 'number')) {
    // Every score read just before the send, counted and not sent: each write is conditional on the
    // revision read, so a score that matched is that one, sent, one revision on, and is counted
    // without reading it again, nor its bucket (countScores' `before`). Any that moved meanwhile
    // sends the whole batch the way below, which makes no assumption.
    const scores = known as (CountableScore & { sumsRev: number })[];
    const result = await ctx.models.VerifiedScore.bulkWrite(
      scores.map((k) => ({
        updateOne: {
          filter: { _id: k._id, sumsRev: k.sumsRev, sent: { $ne: true } },
          update: { $set: { sent: true, ...SUMS_PENDING }, $inc: { sumsRev: 1 } },
        },
      })),
      { ordered: false },
    );
    if (result.matchedCount === scores.length) {
      const after = scores.map((k) => ({ ...k, sent: true, sumsRev: k.sumsRev + 1 }));
      return () => countScores(ctx, after, new Map(scores.map((k) => [String(k._id), k])));
    }
  }
  await ctx.models.VerifiedScore.bulkWrite(
    ids.map((_id) => ({
      updateOne: {
        filter: { _id, sent: { $ne: true } },
        update: { $set: { sent: true, ...SUMS_PENDING }, $inc: { sumsRev: 1 } },
      },
    })),
    { ordered: false },
  );
  return () => countStillPending(ctx, ids);
}

/** Only the ones still pending need counting: a score already sent was counted by its writer. */
async function countStillPending(ctx: SumsContext, ids: unknown[]): Promise<void> {
  const written = await ctx.models.VerifiedScore.collection
    .find({ _id: { $in: ids as never[] }, sumsPending: true }, { projection: SCORE_SUMS_FIELDS })
    .toArray();
  await countScores(ctx, written);
}

/** The first message reached the handset: monotonic, so it needs no ordering against the follow-up. */
export async function markScoreDelivered(ctx: SumsContext, followUpId: unknown): Promise<void> {
  const f = await ctx.models.FollowUp.findById(followUpId).select({ ticketRef: 1, closureNumber: 1 }).lean();
  if (!f) return;
  await writeScore(
    ctx,
    { ticketRef: f.ticketRef, closureNumber: f.closureNumber, delivered: { $ne: true } },
    { delivered: true },
  );
}

/**
 * The caller's keypad rating of the agent, on every score of the ticket the call was about that has
 * none yet (a closure scored later takes the ticket's latest rating when its score is created).
 */
export async function recordPostCallRating(
  ctx: SumsContext,
  rating: { ticketRef: string; ratingId: unknown; value: unknown },
): Promise<void> {
  await ctx.models.VerifiedScore.updateMany(
    { ticketRef: rating.ticketRef, postCallRatingId: { $exists: false } },
    {
      $set: { postCallRatingId: rating.ratingId, postCallRating: rating.value, ...SUMS_PENDING },
      $inc: { sumsRev: 1 },
    },
  );
  await countScoresMatching(ctx, { ticketRef: rating.ticketRef });
}
