import { agencyFollowUpRules } from '../agency-rules.js';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { Ticket } from '../../db/models/ticket.js';
import { createScore } from '../../scores/writes.js';
import { closureState } from '../../tickets/service.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { sampleClosure } from './contact-policy.js';
import type { SendChannel } from '../channels/plan.js';
import {
  applyEffects,
  closeFollowUp,
  removePendingJobs,
  sealDecidedOutcome,
  transition,
} from '../outcome/outcome.js';
import { FOLLOWUP_QUEUE, followUpJobId, type FollowUpJob } from '../queue.js';
import { localDay, nextSendTime } from './send-window.js';

const HOUR = 3_600_000;

/** Job options for every follow-up job: retried with backoff, kept a while for inspection. */
function jobOptions(ctx: AppContext) {
  return {
    attempts: 8,
    backoff: { type: 'exponential', delay: ctx.config.followUp.retryBaseMs, jitter: 0.2 },
    removeOnComplete: { age: 14 * 24 * 3600 },
    removeOnFail: false,
  } as const;
}

type FollowUpKey = { _id: unknown; ticketRef: string; closureNumber: number; agency?: string };

/** Adds a follow-up's job once: its id is derived from the closure, so a repeat is ignored. */
export async function addFollowUpJob(
  ctx: AppContext,
  followUp: FollowUpKey,
  kind: FollowUpJob['kind'],
  runAt: Date,
): Promise<void> {
  await addFollowUpJobs(ctx, [{ followUp, kind, runAt }]);
}

/** Several jobs of one or more follow-ups in one round trip (the sender's reminder and expiry). */
export async function addFollowUpJobs(
  ctx: AppContext,
  jobs: { followUp: FollowUpKey; kind: FollowUpJob['kind']; runAt: Date; index?: number }[],
): Promise<void> {
  await ctx.queues.get<FollowUpJob>(FOLLOWUP_QUEUE).addBulk(
    jobs.map(({ followUp, kind, runAt, index }) => ({
      name: kind,
      data: followUpJob(followUp, kind, index),
      opts: followUpJobOptions(ctx, followUp, kind, runAt, index),
    })),
  );
}

function followUpJob(followUp: FollowUpKey, kind: FollowUpJob['kind'], index?: number): FollowUpJob {
  return {
    followUpId: String(followUp._id),
    kind,
    ticketRef: followUp.ticketRef,
    closureNumber: followUp.closureNumber,
    ...(followUp.agency ? { agency: followUp.agency } : {}),
    ...(index !== undefined ? { index } : {}),
  };
}

function followUpJobOptions(
  ctx: AppContext,
  followUp: FollowUpKey,
  kind: FollowUpJob['kind'],
  runAt: Date,
  index?: number,
) {
  return {
    ...jobOptions(ctx),
    jobId: followUpJobId(kind, followUp.ticketRef, followUp.closureNumber, index),
    delay: Math.max(0, runAt.getTime() - Date.now()),
  };
}

/**
 * The closure hook: makes the follow-ups match the ticket. For the closure in force it ensures one
 * follow-up record and one delayed send job; for closures undone by a reopen it cancels what has not
 * been sent. Works from state, so calling it twice (a replayed event) changes nothing.
 */
export async function syncFollowUps(ctx: AppContext, ticket: Ticket): Promise<void> {
  // The agency's own delay and window (set on its admin page), else the configured ones.
  const { delayHours, maxAgeHours, window, channels } = await agencyFollowUpRules(ctx, ticket.agency);
  for (const closure of ticket.closures) {
    const state = closureState(closure);
    if (state === 'closed' && ticket.status === 'closed') {
      const sendAt = nextSendTime(new Date(closure.closedAt.getTime() + delayHours * HOUR), window);
      // Its age when it would be asked: a closure reported months late is not asked at once.
      const tooOld = Math.max(sendAt.getTime(), Date.now()) - closure.closedAt.getTime() > maxAgeHours * HOUR;
      const ensured = await ensureFollowUp(ctx, ticket, closure, sendAt, channels, tooOld);
      const followUp =
        ensured.state === 'cancelled' && !ensured.sendAttemptAt
          ? ((await reviveFollowUp(ctx, ensured, sendAt)) ?? ensured)
          : ensured;
      if (followUp.state === 'scheduled') await addFollowUpJob(ctx, followUp, 'send', followUp.sendAt);
    } else {
      const followUp = await ctx.models.FollowUp.findOne({
        ticketRef: ticket.ref,
        closureNumber: closure.number,
      }).lean();
      if (followUp && (followUp.state === 'scheduled' || followUp.state === 'sending')) {
        await closeFollowUp(ctx, followUp, {
          state: 'cancelled',
          outcome: 'cancelled_reopened',
        });
      }
    }
  }
}

/**
 * A closure is in force again after its follow-up was cancelled unsent: it had been superseded (an
 * earlier close arrived late) and the reopen between the two has now arrived too, or a derivation
 * from an older revision cancelled it while a newer one had it in force. Nothing was sent, so it is
 * scheduled again; otherwise the closure in force would never be verified. Conditional on the
 * cancelled state it read, so of two hooks reviving it one wins. The old send job goes first: a job
 * that already ran (and skipped the cancelled follow-up) keeps its id, which would refuse the new one.
 */
async function reviveFollowUp(ctx: AppContext, f: FollowUpDoc, sendAt: Date): Promise<FollowUpDoc | null> {
  await removePendingJobs(ctx, f.ticketRef, f.closureNumber, ['send']);
  const revived = await transition(
    ctx,
    f,
    { $set: { state: 'scheduled', sendAt }, $unset: { outcome: 1 } },
    // Never claimed for sending: one that was may have reached the citizen, and is not asked twice.
    { state: 'cancelled', sendAttemptAt: { $exists: false } },
  );
  if (!revived) return null;
  await applyEffects(ctx, revived);
  ctx.log.info({ ticketRef: f.ticketRef, closure: f.closureNumber }, 'follow-up scheduled again');
  return revived;
}

async function ensureFollowUp(
  ctx: AppContext,
  ticket: Ticket,
  closure: Ticket['closures'][number],
  sendAt: Date,
  channels: SendChannel[],
  tooOld: boolean,
) {
  const { FollowUp } = ctx.models;
  const postCall = await ctx.models.PostCallRating.findOne({
    ticketRef: ticket.ref,
    agentRating: { $exists: true },
  })
    .sort({ createdAt: -1 })
    .lean();
  // What the follow-up and the score both record about the closure.
  const closureFields = {
    ticketRef: ticket.ref,
    closureNumber: closure.number,
    agency: closure.agency,
    department: closure.department,
    agentId: closure.agentId,
    citizenPhone: ticket.citizenPhone,
    language: ticket.language,
    closedAt: closure.closedAt,
  };
  const sampling = sampleClosure(ctx.config, {
    ticketRef: ticket.ref,
    closureNumber: closure.number,
    agency: closure.agency,
  });
  // The draw comes first, so the sample is the same whatever the age; a sampled closure too old to
  // ask is recorded and counted as such, never asked and never silently dropped.
  const skipped: 'not_sampled' | 'too_old' | undefined = !sampling.sampled
    ? 'not_sampled'
    : tooOld
      ? 'too_old'
      : undefined;
  try {
    // The score record exists from the closure on; a repeat gets the first one's back.
    const score = await createScore(ctx, {
      ...closureFields,
      day: localDay(closure.closedAt, ctx.config.timeZone),
      channel: channels[0] ?? 'sms',
      ...(skipped ? { outcome: skipped } : {}),
      ...(postCall ? { postCallRatingId: postCall._id, postCallRating: postCall.agentRating } : {}),
    });
    // A closure not drawn is recorded and counted as such, never silently dropped; no job is added.
    const created = await FollowUp.create({
      ...closureFields,
      // Asked in Arabic with English: the closure named a language we have no texts in.
      ...(ticket.requestedLanguage ? { requestedLanguage: ticket.requestedLanguage } : {}),
      ...(skipped ? { state: 'skipped', outcome: skipped } : { state: 'scheduled' }),
      // The order in force at the closure: an agency that changes it later does not re-route this one.
      channels,
      channel: channels[0] ?? 'sms',
      jobId: followUpJobId('send', ticket.ref, closure.number),
      sendAt,
      sampleDraw: sampling.draw,
      sampleRate: sampling.rate,
      ...(score ? { scoreId: score._id } : {}),
    });
    // This insert won (a repeat is refused by the unique closure key): the outcome is decided here.
    if (skipped) await sealDecidedOutcome(ctx, created.toObject());
    ctx.log.info(
      {
        ticketRef: ticket.ref,
        closure: closure.number,
        sendAt: sendAt.toISOString(),
        sampled: sampling.sampled,
        ...(skipped === 'too_old' ? { tooOld: true } : {}),
      },
      !skipped
        ? 'follow-up scheduled'
        : skipped === 'too_old'
          ? 'closure reported past the maximum age for asking; not asked'
          : 'closure not drawn in the sample; not asked',
    );
    return created.toObject();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const raced = await FollowUp.findOne({ ticketRef: ticket.ref, closureNumber: closure.number }).lean();
    if (!raced) throw err;
    return raced;
  }
}
