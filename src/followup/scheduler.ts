import type { AppContext } from '../context.js';
import type { Ticket } from '../db/models/ticket.js';
import { refreshBucket, SUMS_PENDING } from '../reports/daily-sums.js';
import { isDuplicateKey, closureState } from '../tickets/service.js';
import { closeFollowUp } from './outcome.js';
import { FOLLOWUP_QUEUE, followUpIdFor, followUpJobId, type FollowUpJob } from './queue.js';
import { localDay, nextSendTime } from './send-window.js';
import { sendWindowFromConfig } from './window-config.js';

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

type FollowUpKey = { _id: unknown; ticketRef: string; closureNumber: number };

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
  jobs: { followUp: FollowUpKey; kind: FollowUpJob['kind']; runAt: Date }[],
): Promise<void> {
  await ctx.queues.get<FollowUpJob>(FOLLOWUP_QUEUE).addBulk(
    jobs.map(({ followUp, kind, runAt }) => ({
      name: kind,
      data: followUpJob(followUp, kind),
      opts: followUpJobOptions(ctx, followUp, kind, runAt),
    })),
  );
}

function followUpJob(followUp: FollowUpKey, kind: FollowUpJob['kind']): FollowUpJob {
  return {
    followUpId: String(followUp._id),
    kind,
    ticketRef: followUp.ticketRef,
    closureNumber: followUp.closureNumber,
  };
}

function followUpJobOptions(ctx: AppContext, followUp: FollowUpKey, kind: FollowUpJob['kind'], runAt: Date) {
  return {
    ...jobOptions(ctx),
    jobId: followUpJobId(kind, followUp.ticketRef, followUp.closureNumber),
    delay: Math.max(0, runAt.getTime() - Date.now()),
  };
}

/**
 * The closure hook: makes the follow-ups match the ticket. For the closure in force it ensures one
 * follow-up record and one delayed send job; for closures undone by a reopen it cancels what has not
 * been sent. Works from state, so calling it twice (a replayed event) changes nothing.
 */
export async function syncFollowUps(ctx: AppContext, ticket: Ticket): Promise<void> {
  const window = sendWindowFromConfig(ctx.config);
  for (const closure of ticket.closures) {
    const state = closureState(closure);
    if (state === 'closed' && ticket.status === 'closed') {
      const sendAt = nextSendTime(
        new Date(closure.closedAt.getTime() + ctx.config.followUp.delayHours * HOUR),
        window,
      );
      const followUp = await ensureFollowUp(ctx, ticket, closure, sendAt);
      if (followUp.state === 'scheduled') await addFollowUpJob(ctx, followUp, 'send', followUp.sendAt);
    } else {
      const followUp = await ctx.models.FollowUp.findById(followUpIdFor(ticket.ref, closure.number)).lean();
      if (followUp && (followUp.state === 'scheduled' || followUp.state === 'sending')) {
        await closeFollowUp(ctx, followUp, {
          state: 'cancelled',
          outcome: 'cancelled_reopened',
        });
      }
    }
  }
}

async function ensureFollowUp(
  ctx: AppContext,
  ticket: Ticket,
  closure: Ticket['closures'][number],
  sendAt: Date,
) {
  const { FollowUp, VerifiedScore } = ctx.models;
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
  try {
    // The score record exists from the closure on, so "closures" counts do not depend on answers.
    // Inserted, not upserted: the unique closure key refuses a second one, and a repeat must not
    // overwrite what the first recorded.
    const day = localDay(closure.closedAt, ctx.config.timeZone);
    await VerifiedScore.create({
      ...closureFields,
      day,
      channel: 'sms',
      ...(postCall ? { postCallRatingId: postCall._id, postCallRating: postCall.agentRating } : {}),
      ...SUMS_PENDING,
    }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
    // A repeat refreshes too: the first writer may have died between its insert and its refresh.
    await refreshBucket(ctx, { ...closureFields, day });
    const created = await FollowUp.create({
      _id: followUpIdFor(ticket.ref, closure.number),
      ...closureFields,
      state: 'scheduled',
      channel: 'sms',
      jobId: followUpJobId('send', ticket.ref, closure.number),
      sendAt,
    });
    ctx.log.info(
      { ticketRef: ticket.ref, closure: closure.number, sendAt: sendAt.toISOString() },
      'follow-up scheduled',
    );
    return created.toObject();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const raced = await FollowUp.findById(followUpIdFor(ticket.ref, closure.number)).lean();
    if (!raced) throw err;
    return raced;
  }
}
