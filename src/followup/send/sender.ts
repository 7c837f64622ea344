import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { agencyFollowUpRules } from '../agency-rules.js';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import { closureState } from '../../tickets/service.js';
import { composeMessage, type ComposedMessage } from './compose.js';
import { statusRank, twilioFailure } from './message-status.js';
import { isOptedOut, setOptOut } from '../conversation/opt-out.js';
import { sendBatches, type SendBatches } from './send-batches.js';
import { AWAITING_STATES, closeFollowUp } from '../outcome/outcome.js';
import { FOLLOWUP_QUEUE, type FollowUpJob } from '../queue.js';
import { nextSendTime } from '../schedule/send-window.js';
import { moveToNextChannel, planOf } from '../channels/advance.js';
import { addressOn, deliver } from '../channels/deliver.js';
import { nextChannel, openHours, ruledOutBy, type SendChannel } from '../channels/plan.js';
import { deferToWindow } from './window-wait.js';

const HOUR = 3_600_000;
export class SendFailedError extends Error {}

/** How long after another worker's lease runs out a send that found it busy looks again. */
const BUSY_MARGIN_MS = 100;

async function recordMessage(
  ctx: AppContext,
  f: FollowUpDoc,
  kind: string,
  sid: string,
  message: ComposedMessage,
  status: string,
) {
  // An insert keyed by the MessageSid: a replayed job (a crash after the send) finds it there.
  await ctx.models.FollowUpMessage.create({
    _id: sid,
    followUpId: f._id.toString(),
    direction: 'outbound',
    kind,
    channel: f.channel,
    sid,
    body: message.body,
    segments: message.segments,
    status,
    statusRank: statusRank(status),
  }).catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
  });
}

/** What a job that met a permanent error for the number returns: an outcome, not a failure. */
export interface NumberRefused {
  outcome: 'undeliverable' | 'opted_out' | 'none';
  code?: number;
}

/**
 * Sorts a send failure: permanent ones end the follow-up and complete the job (the number, not our
 * set-up, is at fault: nothing for an operator to retry, so no failed job on the board), configuration
 * ones alert and fail the job for inspection, others retry.
 */
async function handleSendError(
  ctx: AppContext,
  f: FollowUpDoc,
  err: unknown,
  what: string,
): Promise<NumberRefused> {
  const { status, code, cls } = twilioFailure(err);
  const context = { ticketRef: f.ticketRef, closure: f.closureNumber, code, status, what };
  // Bookkeeping, not a step of the conversation (no revision, so no answer loses to it): the code for
  // operators, and the send lease given back so this job's own retry may claim the send again.
  await ctx.models.FollowUp.updateOne(
    { _id: f._id },
    {
      ...(code !== undefined ? { $set: { lastErrorCode: code } } : {}),
      ...(f.sendLeaseUntil ? { $unset: { sendLeaseUntil: 1 } } : {}),
    },
  );
  if (cls === 'retry') {
    ctx.log.warn(context, 'send failed; will retry with backoff');
    throw new SendFailedError(
      `${what} for ${f.ticketRef}/${f.closureNumber} failed (${code ?? status ?? 'network'}): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (cls === 'permanent') {
    let outcome: NumberRefused['outcome'] = 'none';
    if (code === 21610) {
      // Twilio says the recipient replied STOP at the carrier: honour it everywhere.
      await setOptOut(ctx, f.citizenPhone, true, 'twilio-21610');
      await closeFollowUp(ctx, f, { state: 'opted_out', outcome: 'opted_out' });
      outcome = 'opted_out';
    } else if (what === 'initial') {
      await closeFollowUp(ctx, f, { state: 'failed', outcome: 'undeliverable' });
      outcome = 'undeliverable';
    }
    ctx.log.warn(context, 'send refused for this number; not retrying');
    return { outcome, ...(code !== undefined ? { code } : {}) };
  }
  ctx.log.error(context, 'send refused because of our Twilio configuration; fix it and retry the failed job');
  throw new UnrecoverableError(
    `${what} for ${f.ticketRef}/${f.closureNumber}: Twilio configuration error ${code ?? status}`,
  );
}

/**
 * Finds a message an earlier attempt sent before crashing (the send is recorded before and after the
 * SDK call; in between only Twilio knows). The answer token in the body identifies it.
 */
async function findEarlierSend(
  ctx: AppContext,
  f: FollowUpDoc,
  channel: SendChannel,
  token: string,
): Promise<string | undefined> {
  const since = (f.sendAttemptAt?.getTime() ?? 0) - 60_000;
  if (channel === 'voice') {
    // A call carries no token; one placed to the number since the claim is this follow-up's.
    const calls = await ctx.twilio.calls.list({ to: f.citizenPhone, limit: 20 });
    return calls.find((c) => (c.dateCreated?.getTime() ?? 0) >= since)?.sid;
  }
  const recent = await ctx.twilio.messages.list({ to: addressOn(channel, f.citizenPhone), limit: 50 });
  return recent.find((m) => m.body.includes(token) && (m.dateCreated?.getTime() ?? 0) >= since)?.sid;
}

type SendResult =
  { skipped: string } | NumberRefused | { sid: string; segments: number; followUp: FollowUpDoc };

/** The first message: claimed, checked, sent, then recorded; each write conditional on the claim. */
async function sendInitial(
  ctx: AppContext,
  batches: SendBatches,
  job: Job,
  token: string | undefined,
  followUpId: string,
): Promise<SendResult> {
  await deferToWindow(ctx, job, token);
  // Recorded before the SDK call: a replay of this job (after a crash) finds 'sending' and asks
  // Twilio whether the message went out before sending it again.
  const claim = await batches.claim(followUpId);
  if ('missing' in claim) throw new UnrecoverableError(`follow-up ${followUpId} does not exist`);
  if ('busy' in claim) {
    // Another worker holds the send: look again when its lease runs out, without using an attempt.
    // Retries with backoff could all be spent inside one lease (a slow Twilio call on a loaded
    // machine), leaving the follow-up 'sending' until the reconciler's next round.
    if (!token) throw new SendFailedError(`follow-up ${followUpId} is being sent by another worker`);
    const until = claim.until?.getTime() ?? Date.now() + ctx.config.workerLockMs;
    await job.moveToDelayed(Math.max(until, Date.now()) + BUSY_MARGIN_MS, token);
    throw new DelayedError();
  }
  if ('skipped' in claim) return claim;
  const { claimed, replay } = claim;

  // Both checks read at once, and the score the send marks; a reopened ticket wins over an opt-out.
  const [ticket, optedOut, score] = await Promise.all([
    batches.ticket(claimed.ticketRef),
    batches.optedOut(claimed.citizenPhone),
    claimed.scoreId ? batches.score(claimed.scoreId) : null,
  ]);
  const closure = ticket?.closures.find((c) => c.number === claimed.closureNumber);
  if (!ticket || !closure || ticket.status !== 'closed' || closureState(closure) !== 'closed') {
    await closeFollowUp(ctx, claimed, {
      state: 'cancelled',
      outcome: 'cancelled_reopened',
      from: ['sending'],
    });
    return { skipped: 'reopened' };
  }
  if (optedOut) {
    await closeFollowUp(ctx, claimed, { state: 'opted_out', outcome: 'opted_out', from: ['sending'] });
    return { skipped: 'opted_out' };
  }
  const rules = await agencyFollowUpRules(ctx, claimed.agency);
  // Scheduled young, but the send came too late (an outage, a long deferral): not asked either. Not
  // on a replay, whose message may already have gone out before the crash.
  if (!replay && Date.now() - new Date(claimed.closedAt).getTime() > rules.maxAgeHours * HOUR) {
    await closeFollowUp(ctx, claimed, { state: 'skipped', outcome: 'too_old', from: ['sending'] });
    return { skipped: 'too_old' };
  }
  // Last of the checks: a number is only marked as asked by a follow-up that will ask it.
  if (ctx.config.followUp.policy.contactMinDays > 0 && !(await batches.contact(claimed))) {
    await closeFollowUp(ctx, claimed, {
      state: 'skipped',
      outcome: 'skipped_recent_contact',
      from: ['sending'],
    });
    return { skipped: 'recent_contact' };
  }

  const message = await composeMessage(ctx, claimed, 'initial');
  const plan = planOf(claimed);
  let index = claimed.channelIndex ?? 0;
  let unreachable: string[] = [...(claimed.unreachable ?? [])];
  const failed: { channel: SendChannel; at: Date; result: string; errorCode?: number }[] = [];
  let channel = plan[index] ?? 'sms';
  let sid = replay ? await findEarlierSend(ctx, claimed, channel, message.token) : undefined;
  let status = 'queued';
  let record = message.body;
  // A permanent error for the number moves on to the next channel that can still reach it, at once.
  while (sid === undefined) {
    try {
      const sent = await deliver(ctx, claimed, channel, message, rules);
      sid = sent.sid;
      status = sent.status;
      record = sent.record;
    } catch (err) {
      const { code, cls } = twilioFailure(err);
      const next =
        cls === 'permanent' && code !== 21610
          ? nextChannel(
              plan,
              index,
              (unreachable = [...new Set([...unreachable, ...ruledOutBy(channel, code)])]),
            )
          : undefined;
      if (!next) return handleSendError(ctx, claimed, err, 'initial');
      failed.push({
        channel,
        at: new Date(),
        result: 'failed',
        ...(code !== undefined ? { errorCode: code } : {}),
      });
      ctx.log.warn(
        { ticketRef: claimed.ticketRef, channel, code },
        'channel refused the number; trying the next',
      );
      ({ index, channel } = next);
    }
  }
  const sentAt = new Date();
  // A reminder repeats the question on the one channel there is; with an order, the next channel is it.
  const single = plan.length === 1 && channel !== 'voice';
  const reminderAt =
    single && ctx.config.followUp.reminderAfterHours > 0
      ? nextSendTime(new Date(sentAt.getTime() + ctx.config.followUp.reminderAfterHours * HOUR), rules.window)
      : undefined;
  const left = plan.length - index;
  const expiresAt = new Date(
    sentAt.getTime() + openHours(left, rules.channelWaitHours, ctx.config.followUp.expireAfterHours) * HOUR,
  );
  const times = {
    sentAt,
    expiresAt,
    ...(reminderAt && reminderAt < expiresAt ? { reminderAt } : {}),
  };
  const nextAt =
    nextChannel(plan, index, unreachable) !== undefined
      ? nextSendTime(new Date(sentAt.getTime() + rules.channelWaitHours * HOUR), rules.window)
      : undefined;
  const sent = await batches.recordSent({
    claimed,
    sid,
    status,
    message: { ...message, body: record },
    times,
    channel,
    index,
    failed,
    unreachable,
    ...(nextAt ? { nextAt } : {}),
    score,
  });
  if (!sent) return { skipped: 'sent and recorded by another worker' };
  return { sid, segments: message.segments, followUp: sent };
}

function logSent(ctx: AppContext, f: FollowUpDoc, result: { sid: string; segments: number }) {
  ctx.log.info(
    { ticketRef: f.ticketRef, closure: f.closureNumber, sid: result.sid, segments: result.segments },
    'follow-up sent',
  );
}

/** At most one reminder: claimed before the send; a crash after the claim loses it, never doubles it. */
async function sendReminder(ctx: AppContext, job: Job, token: string | undefined, f: FollowUpDoc) {
  if (f.state !== 'awaiting_solved' || f.remindedAt || f.answeredAt)
    return { skipped: 'not waiting for a first answer' };
  if (await isOptedOut(ctx, f.citizenPhone)) return { skipped: 'opted_out' };
  await deferToWindow(ctx, job, token);
  const remindedAt = new Date();
  // Not a step of the conversation, so no revision: an answer decided meanwhile still lands.
  const claimed = await ctx.models.FollowUp.findOneAndUpdate(
    { _id: f._id, state: 'awaiting_solved', remindedAt: null, answeredAt: null },
    { $set: { remindedAt } },
    { returnDocument: 'after' },
  ).lean<FollowUpDoc>();
  if (!claimed) return { skipped: 'answered or reminded meanwhile' };
  const message = await composeMessage(ctx, claimed, 'reminder');
  const channel = planOf(claimed)[claimed.channelIndex ?? 0] ?? 'sms';
  try {
    const sent = await deliver(
      ctx,
      claimed,
      channel,
      message,
      await agencyFollowUpRules(ctx, claimed.agency),
    );
    await recordMessage(ctx, claimed, 'reminder', sent.sid, { ...message, body: sent.record }, sent.status);
    return { sid: sent.sid };
  } catch (err) {
    await ctx.models.FollowUp.updateOne({ _id: f._id, remindedAt }, { $unset: { remindedAt: 1 } });
    return handleSendError(ctx, claimed, err, 'reminder');
  }
}

/** An unanswered follow-up ends as no response; an answered one keeps its outcome (closeFollowUp). */
async function expire(ctx: AppContext, f: FollowUpDoc) {
  if (!(AWAITING_STATES as readonly string[]).includes(f.state)) return { skipped: f.state };
  const closed = await closeFollowUp(ctx, f, {
    state: 'expired',
    outcome: 'no_response',
    from: AWAITING_STATES,
  });
  return closed ? { outcome: closed.outcome } : { skipped: 'closed by another writer' };
}

export function followUpWorker(ctx: AppContext): WorkerDefinition {
  const batches = sendBatches(ctx);
  return {
    queue: FOLLOWUP_QUEUE,
    options: {
      concurrency: ctx.config.followUp.concurrency,
      // Global across every worker process: Twilio's account throughput is one budget.
      limiter: { max: ctx.config.followUp.smsRatePerSecond, duration: 1000 },
    },
    process: async (job: Job, token?: string) => {
      const data = job.data as FollowUpJob;
      // A send claims its follow-up without reading it first (one round trip fewer per send).
      if (data.kind === 'send') {
        const result = await sendInitial(ctx, batches, job, token, data.followUpId);
        if (!('followUp' in result)) return result;
        logSent(ctx, result.followUp, result);
        return { sid: result.sid, segments: result.segments };
      }
      const f = await ctx.models.FollowUp.findById(data.followUpId).lean<FollowUpDoc>();
      if (!f) throw new UnrecoverableError(`follow-up ${data.followUpId} does not exist`);
      if (data.kind === 'next') return moveToNextChannel(ctx, job, token, f, data.index ?? 1);
      return data.kind === 'reminder' ? sendReminder(ctx, job, token, f) : expire(ctx, f);
    },
  };
}
