import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import twilio from 'twilio';
import type { AppContext } from '../context.js';
import type { FollowUpDoc } from '../db/models/followup.js';
import type { WorkerDefinition } from '../queue/workers.js';
import { closureState, isDuplicateKey } from '../tickets/service.js';
import { composeMessage, type ComposedMessage } from './compose.js';
import { classifySendError, statusRank } from './message-status.js';
import { lockClosure } from './lock.js';
import { isOptedOut, setOptOut } from './opt-out.js';
import { AWAITING_STATES, closeLockedFollowUp, updateFollowUp, updateScore } from './outcome.js';
import { FOLLOWUP_QUEUE, type FollowUpJob } from './queue.js';
import { addFollowUpJobs } from './scheduler.js';
import { isInsideWindow, nextSendTime, validityPeriodSeconds } from './send-window.js';
import { sendWindowFromConfig } from './window-config.js';

const HOUR = 3_600_000;
export class SendFailedError extends Error {}

function addressFor(f: FollowUpDoc): string {
  return f.channel === 'whatsapp' ? `whatsapp:${f.citizenPhone}` : f.citizenPhone;
}

/** Outside the window (a backlog, a retry at night): wait for the window without using an attempt. */
async function deferToWindow(ctx: AppContext, job: Job, token: string | undefined): Promise<void> {
  const window = sendWindowFromConfig(ctx.config);
  const now = new Date();
  if (isInsideWindow(now, window)) return;
  if (!token) throw new Error('cannot defer a job without its lock token');
  await job.moveToDelayed(nextSendTime(now, window).getTime(), token);
  throw new DelayedError();
}

async function sendSms(ctx: AppContext, f: FollowUpDoc, message: ComposedMessage) {
  const window = sendWindowFromConfig(ctx.config);
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
 * The caller holds the closure's lock and has read `f` under it.
 */
async function handleSendError(ctx: AppContext, f: FollowUpDoc, err: unknown, what: string): Promise<never> {
  const status = err instanceof twilio.RestException ? err.status : undefined;
  const code = err instanceof twilio.RestException ? err.code : undefined;
  const cls = classifySendError({
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
  });
  const context = { ticketRef: f.ticketRef, closure: f.closureNumber, code, status, what };
  if (code !== undefined) await updateFollowUp(ctx, f._id, { $set: { lastErrorCode: code } });
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
      await closeLockedFollowUp(ctx, f, { state: 'opted_out', outcome: 'opted_out' });
    } else if (what === 'initial') {
      await closeLockedFollowUp(ctx, f, { state: 'failed', outcome: 'undeliverable' });
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

/** The first message. Runs under the closure's lock, from the read of `f` to the record of the send. */
async function sendInitial(
  ctx: AppContext,
  job: Job,
  token: string | undefined,
  f: FollowUpDoc,
): Promise<SendResult> {
  if (f.state !== 'scheduled' && f.state !== 'sending') return { skipped: f.state };

  // Both checks read at once; a reopened ticket wins over an opt-out.
  const [ticket, optedOut] = await Promise.all([
    ctx.models.Ticket.findById(f.ticketRef).lean(),
    isOptedOut(ctx, f.citizenPhone),
  ]);
  const closure = ticket?.closures.find((c) => c.number === f.closureNumber);
  if (!ticket || !closure || ticket.status !== 'closed' || closureState(closure) !== 'closed') {
    await closeLockedFollowUp(ctx, f, { state: 'cancelled', outcome: 'cancelled_reopened' });
    return { skipped: 'reopened' };
  }
  if (optedOut) {
    await closeLockedFollowUp(ctx, f, { state: 'opted_out', outcome: 'opted_out' });
    return { skipped: 'opted_out' };
  }
  await deferToWindow(ctx, job, token);

  // Recorded before the SDK call: a replay of this job (after a crash) finds 'sending' and asks
  // Twilio whether the message went out before sending it again.
  const claimed =
    f.state === 'scheduled'
      ? await updateFollowUp(ctx, f._id, { $set: { state: 'sending', sendAttemptAt: new Date() } })
      : f;
  if (!claimed) throw new Error(`follow-up ${f._id.toString()} vanished while sending`);

  const message = await composeMessage(ctx, claimed, 'initial');
  let sid = f.state === 'sending' ? await findEarlierSend(ctx, claimed, message.token) : undefined;
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
  const window = sendWindowFromConfig(ctx.config);
  const reminderAt =
    ctx.config.followUp.reminderAfterHours > 0
      ? nextSendTime(new Date(sentAt.getTime() + ctx.config.followUp.reminderAfterHours * HOUR), window)
      : undefined;
  const expiresAt = new Date(sentAt.getTime() + ctx.config.followUp.expireAfterHours * HOUR);
  // The message and the score first, the follow-up's state last: a crash in between leaves it
  // 'sending', and the replay finds the message at Twilio and records it again (both writes repeat
  // harmlessly). Nothing else moved the state since the claim (every writer holds the lock), so the
  // send times and the next state are one write.
  await Promise.all([
    recordMessage(ctx, claimed, 'initial', sid, message, status),
    updateScore(ctx, claimed, { $set: { sent: true } }),
  ]);
  const sent = await updateFollowUp(ctx, claimed._id, {
    $set: {
      state: 'awaiting_solved',
      sentAt,
      expiresAt,
      ...(reminderAt && reminderAt < expiresAt ? { reminderAt } : {}),
    },
    $inc: { revision: 1 },
  });
  if (!sent) throw new Error(`follow-up ${claimed._id.toString()} vanished after sending`);
  return { sid, segments: message.segments, followUp: sent };
}

/** After the lock: the reminder and the expiry of a sent follow-up, in one round trip to Redis. */
async function scheduleAfterSend(ctx: AppContext, f: FollowUpDoc, result: { sid: string; segments: number }) {
  await addFollowUpJobs(ctx, [
    ...(f.reminderAt ? [{ followUp: f, kind: 'reminder' as const, runAt: f.reminderAt }] : []),
    ...(f.expiresAt ? [{ followUp: f, kind: 'expire' as const, runAt: f.expiresAt }] : []),
  ]);
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
  const claimed = await updateFollowUp(ctx, f._id, { $set: { remindedAt: new Date() } });
  if (!claimed) throw new Error(`follow-up ${f._id.toString()} vanished while reminding`);
  const message = await composeMessage(ctx, claimed, 'reminder');
  try {
    const sent = await sendSms(ctx, claimed, message);
    await recordMessage(ctx, claimed, 'reminder', sent.sid, message, sent.status);
    return { sid: sent.sid };
  } catch (err) {
    await updateFollowUp(ctx, f._id, { $unset: { remindedAt: 1 } });
    return handleSendError(ctx, claimed, err, 'reminder');
  }
}

async function expire(ctx: AppContext, f: FollowUpDoc) {
  if (!(AWAITING_STATES as readonly string[]).includes(f.state)) return { skipped: f.state };
  if (f.solved == null) {
    await closeLockedFollowUp(ctx, f, { state: 'expired', outcome: 'no_response', onlyIfUnanswered: true });
    return { outcome: 'no_response' };
  }
  // "Solved?" was answered: the outcome stands; only the unfinished conversation is closed.
  await updateFollowUp(ctx, f._id, { $set: { state: 'expired' }, $inc: { revision: 1 } });
  return { outcome: f.outcome };
}

/** The closure a job belongs to; jobs queued before they carried it are looked up. */
async function closureOf(ctx: AppContext, data: FollowUpJob) {
  if (data.ticketRef !== undefined && data.closureNumber !== undefined)
    return { ticketRef: data.ticketRef, closureNumber: data.closureNumber };
  const f = await ctx.models.FollowUp.findById(data.followUpId)
    .select({ ticketRef: 1, closureNumber: 1 })
    .lean();
  if (!f) throw new UnrecoverableError(`follow-up ${data.followUpId} does not exist`);
  return { ticketRef: f.ticketRef, closureNumber: f.closureNumber };
}

export function followUpWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: FOLLOWUP_QUEUE,
    options: {
      concurrency: 20,
      // Global across every worker process: Twilio's account throughput is one budget.
      limiter: { max: ctx.config.followUp.smsRatePerSecond, duration: 1000 },
    },
    process: async (job: Job, token?: string) => {
      const data = job.data as FollowUpJob;
      // One lock from the first read to the last write, the Twilio call included: a job never has to
      // re-read what it read, and an answer or status callback waits for the send to be recorded.
      // It lives as long as the job's own BullMQ lock, so a killed worker blocks the closure no
      // longer than its job stays stalled.
      const result = await lockClosure(
        ctx,
        await closureOf(ctx, data),
        async () => {
          const f = await ctx.models.FollowUp.findById(data.followUpId).lean<FollowUpDoc>();
          if (!f) throw new UnrecoverableError(`follow-up ${data.followUpId} does not exist`);
          switch (data.kind) {
            case 'send':
              return sendInitial(ctx, job, token, f);
            case 'reminder':
              return sendReminder(ctx, job, token, f);
            case 'expire':
              return expire(ctx, f);
          }
        },
        { ttlMs: ctx.config.workerLockMs, renew: true },
      );
      if (data.kind === 'send' && 'followUp' in result) {
        await scheduleAfterSend(ctx, result.followUp, result);
        return { sid: result.sid, segments: result.segments };
      }
      return result;
    },
  };
}
