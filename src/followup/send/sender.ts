import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import twilio from 'twilio';
import { agencyFollowUpRules } from '../../admin/agency-rules.js';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import { closureState } from '../../tickets/service.js';
import { composeMessage, type ComposedMessage } from './compose.js';
import { classifySendError, statusRank } from './message-status.js';
import { isOptedOut, setOptOut } from '../conversation/opt-out.js';
import { sendBatches, type SendBatches } from './send-batches.js';
import { AWAITING_STATES, closeFollowUp } from '../outcome/outcome.js';
import { FOLLOWUP_QUEUE, type FollowUpJob } from '../queue.js';
import {
  isInsideWindow,
  nextSendTime,
  validityPeriodSeconds,
  type SendWindow,
} from '../schedule/send-window.js';
import { sendWindowFromConfig } from '../schedule/window-config.js';

const HOUR = 3_600_000;
export class SendFailedError extends Error {}

function addressFor(f: FollowUpDoc): string {
  return f.channel === 'whatsapp' ? `whatsapp:${f.citizenPhone}` : f.citizenPhone;
}

/** The agency's window (directory overrides, a minute's cache), or the configured one. */
async function windowFor(ctx: AppContext, agency: string | undefined): Promise<SendWindow> {
  return agency ? (await agencyFollowUpRules(ctx, agency)).window : sendWindowFromConfig(ctx.config);
}

/** Outside the window (a backlog, a retry at night): wait for the window without using an attempt. */
async function deferToWindow(ctx: AppContext, job: Job, token: string | undefined): Promise<void> {
  const window = await windowFor(ctx, (job.data as FollowUpJob).agency);
  const now = new Date();
  if (isInsideWindow(now, window)) return;
  if (!token) throw new Error('cannot defer a job without its lock token');
  await job.moveToDelayed(nextSendTime(now, window).getTime(), token);
  throw new DelayedError();
}

async function sendSms(ctx: AppContext, f: FollowUpDoc, message: ComposedMessage) {
  const window = await windowFor(ctx, f.agency);
  const { from, whatsappFrom, messagingServiceSid } = ctx.config.twilio;
  return ctx.twilio.messages.create({
    to: addressFor(f),
    ...(messagingServiceSid && f.channel !== 'whatsapp'
      ? { messagingServiceSid }
      : { from: f.channel === 'whatsapp' ? whatsappFrom : from }),
    body: message.body,
    statusCallback: `${ctx.config.publicBaseUrl}/sms/status`,
    validityPeriod: validityPeriodSeconds(new Date(), window),
  });
}

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

/**
 * Sorts a send failure: permanent ones end the follow-up, configuration ones alert, others retry.
 */
async function handleSendError(ctx: AppContext, f: FollowUpDoc, err: unknown, what: string): Promise<never> {
  const status = err instanceof twilio.RestException ? err.status : undefined;
  const code = err instanceof twilio.RestException ? err.code : undefined;
  const cls = classifySendError({
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
  });
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
    if (code === 21610) {
      // Twilio says the recipient replied STOP at the carrier: honour it everywhere.
      await setOptOut(ctx, f.citizenPhone, true, 'twilio-21610');
      await closeFollowUp(ctx, f, { state: 'opted_out', outcome: 'opted_out' });
    } else if (what === 'initial') {
      await closeFollowUp(ctx, f, { state: 'failed', outcome: 'undeliverable' });
    }
    ctx.log.warn(context, 'send failed permanently; not retrying');
    throw new UnrecoverableError(
      `${what} for ${f.ticketRef}/${f.closureNumber}: permanent Twilio error ${code}`,
    );
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
async function findEarlierSend(ctx: AppContext, f: FollowUpDoc, token: string): Promise<string | undefined> {
  const since = (f.sendAttemptAt?.getTime() ?? 0) - 60_000;
  const recent = await ctx.twilio.messages.list({ to: addressFor(f), limit: 50 });
  return recent.find((m) => m.body.includes(token) && (m.dateCreated?.getTime() ?? 0) >= since)?.sid;
}

type SendResult = { skipped: string } | { sid: string; segments: number; followUp: FollowUpDoc };

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
  if ('busy' in claim) throw new SendFailedError(`follow-up ${followUpId} is being sent by another worker`);
  if ('skipped' in claim) return claim;
  const { claimed, replay } = claim;

  // Both checks read at once; a reopened ticket wins over an opt-out.
  const [ticket, optedOut] = await Promise.all([
    batches.ticket(claimed.ticketRef),
    batches.optedOut(claimed.citizenPhone),
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
  let sid = replay ? await findEarlierSend(ctx, claimed, message.token) : undefined;
  let status = 'queued';
  if (sid === undefined) {
    try {
      const sent = await sendSms(ctx, claimed, message);
      sid = sent.sid;
      status = sent.status;
    } catch (err) {
      return handleSendError(ctx, claimed, err, 'initial');
    }
  }
  const sentAt = new Date();
  const window = await windowFor(ctx, claimed.agency);
  const reminderAt =
    ctx.config.followUp.reminderAfterHours > 0
      ? nextSendTime(new Date(sentAt.getTime() + ctx.config.followUp.reminderAfterHours * HOUR), window)
      : undefined;
  const expiresAt = new Date(sentAt.getTime() + ctx.config.followUp.expireAfterHours * HOUR);
  const times = {
    sentAt,
    expiresAt,
    ...(reminderAt && reminderAt < expiresAt ? { reminderAt } : {}),
  };
  const sent = await batches.recordSent({ claimed, sid, status, message, times });
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
  try {
    const sent = await sendSms(ctx, claimed, message);
    await recordMessage(ctx, claimed, 'reminder', sent.sid, message, sent.status);
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
      return data.kind === 'reminder' ? sendReminder(ctx, job, token, f) : expire(ctx, f);
    },
  };
}
