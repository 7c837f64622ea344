import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import twilio from 'twilio';
import type { AppContext } from '../context.js';
import type { FollowUp } from '../db/models/followup.js';
import type { WorkerDefinition } from '../queue/workers.js';
import { closureState, isDuplicateKey } from '../tickets/service.js';
import { composeMessage, type ComposedMessage } from './compose.js';
import { classifySendError, statusRank } from './message-status.js';
import { lockClosure } from './lock.js';
import { isOptedOut, setOptOut } from './opt-out.js';
import { AWAITING_STATES, closeFollowUp, updateFollowUp, updateScore } from './outcome.js';
import { FOLLOWUP_QUEUE, type FollowUpJob } from './queue.js';
import { addFollowUpJob } from './scheduler.js';
import { isInsideWindow, nextSendTime, validityPeriodSeconds } from './send-window.js';
import { sendWindowFromConfig } from './window-config.js';

const HOUR = 3_600_000;
type FollowUpDoc = FollowUp & { _id: { toString(): string } };

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

/** Sorts a send failure: permanent ones end the follow-up, configuration ones alert, others retry. */
async function handleSendError(ctx: AppContext, f: FollowUpDoc, err: unknown, what: string): Promise<never> {
  const status = err instanceof twilio.RestException ? err.status : undefined;
  const code = err instanceof twilio.RestException ? err.code : undefined;
  const cls = classifySendError({
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
  });
  const context = { ticketRef: f.ticketRef, closure: f.closureNumber, code, status, what };
  if (code !== undefined)
    await lockClosure(ctx, f, () => updateFollowUp(ctx, f._id, { $set: { lastErrorCode: code } }));
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
      await closeFollowUp(ctx, f._id.toString(), { state: 'opted_out', outcome: 'opted_out' });
    } else if (what === 'initial') {
      await closeFollowUp(ctx, f._id.toString(), { state: 'failed', outcome: 'undeliverable' });
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

async function sendInitial(ctx: AppContext, job: Job, token: string | undefined, start: FollowUpDoc) {
  const { Ticket } = ctx.models;
  if (start.state !== 'scheduled' && start.state !== 'sending') return { skipped: start.state };

  // Both checks read at once; a reopened ticket wins over an opt-out, as before.
  const [ticket, optedOut] = await Promise.all([
    Ticket.findById(start.ticketRef).lean(),
    isOptedOut(ctx, start.citizenPhone),
  ]);
  const closure = ticket?.closures.find((c) => c.number === start.closureNumber);
  if (!ticket || !closure || ticket.status !== 'closed' || closureState(closure) !== 'closed') {
    await closeFollowUp(ctx, start._id.toString(), { state: 'cancelled', outcome: 'cancelled_reopened' });
    return { skipped: 'reopened' };
  }
  if (optedOut) {
    await closeFollowUp(ctx, start._id.toString(), { state: 'opted_out', outcome: 'opted_out' });
    return { skipped: 'opted_out' };
  }
  await deferToWindow(ctx, job, token);

  // Claim the send; a second worker (or a replay of this job) finds the state moved on.
  const claimed =
    start.state === 'scheduled'
      ? await lockClosure(ctx, start, () =>
          updateFollowUp(
            ctx,
            start._id,
            { $set: { state: 'sending', sendAttemptAt: new Date() } },
            (f) => f.state === 'scheduled',
          ),
        )
      : start;
  if (!claimed) return { skipped: 'claimed elsewhere' };

  const message = await composeMessage(ctx, claimed, 'initial');
  let sid: string | undefined;
  if (start.state === 'sending') sid = await findEarlierSend(ctx, claimed, message.token);
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
  await recordMessage(ctx, claimed, 'initial', sid, message, status);
  const sentAt = new Date();
  const window = sendWindowFromConfig(ctx.config);
  const reminderAt =
    ctx.config.followUp.reminderAfterHours > 0
      ? nextSendTime(new Date(sentAt.getTime() + ctx.config.followUp.reminderAfterHours * HOUR), window)
      : undefined;
  const expiresAt = new Date(sentAt.getTime() + ctx.config.followUp.expireAfterHours * HOUR);
  // The citizen may already have answered (a fast reply, a tap on the link) while this was recorded:
  // the send times are written whatever the state, the state only moves on if nothing else moved it.
  const sent = await lockClosure(ctx, claimed, async () => {
    const times = await updateFollowUp(ctx, claimed._id, {
      $set: { sentAt, expiresAt, ...(reminderAt && reminderAt < expiresAt ? { reminderAt } : {}) },
    });
    const moved =
      times?.state === 'sending'
        ? await updateFollowUp(ctx, claimed._id, {
            $set: { state: 'awaiting_solved' },
            $inc: { revision: 1 },
          })
        : times;
    await updateScore(ctx, claimed, { $set: { sent: true } });
    return moved;
  });
  if (!sent) throw new Error(`follow-up ${claimed._id.toString()} vanished after sending`);
  if (sent.reminderAt) await addFollowUpJob(ctx, sent, 'reminder', sent.reminderAt);
  await addFollowUpJob(ctx, sent, 'expire', expiresAt);
  ctx.log.info(
    { ticketRef: sent.ticketRef, closure: sent.closureNumber, sid, segments: message.segments },
    'follow-up sent',
  );
  return { sid, segments: message.segments };
}

async function sendReminder(ctx: AppContext, job: Job, token: string | undefined, f: FollowUpDoc) {
  if (f.state !== 'awaiting_solved' || f.remindedAt || f.answeredAt)
    return { skipped: 'not waiting for a first answer' };
  if (await isOptedOut(ctx, f.citizenPhone)) return { skipped: 'opted_out' };
  await deferToWindow(ctx, job, token);
  // At most one reminder: claim it first; a crash after the claim loses the reminder, never doubles it.
  const claimed = await lockClosure(ctx, f, () =>
    updateFollowUp(
      ctx,
      f._id,
      { $set: { remindedAt: new Date() } },
      (current) => current.state === 'awaiting_solved' && current.remindedAt == null,
    ),
  );
  if (!claimed) return { skipped: 'already reminded' };
  const message = await composeMessage(ctx, claimed, 'reminder');
  try {
    const sent = await sendSms(ctx, claimed, message);
    await recordMessage(ctx, claimed, 'reminder', sent.sid, message, sent.status);
    return { sid: sent.sid };
  } catch (err) {
    await lockClosure(ctx, f, () => updateFollowUp(ctx, f._id, { $unset: { remindedAt: 1 } }));
    return handleSendError(ctx, claimed, err, 'reminder');
  }
}

async function expire(ctx: AppContext, f: FollowUpDoc) {
  if (!(AWAITING_STATES as readonly string[]).includes(f.state)) return { skipped: f.state };
  if (f.solved == null) {
    await closeFollowUp(ctx, f._id.toString(), {
      state: 'expired',
      outcome: 'no_response',
      onlyIfUnanswered: true,
    });
    return { outcome: 'no_response' };
  }
  // "Solved?" was answered: the outcome stands; only the unfinished conversation is closed.
  await lockClosure(ctx, f, () =>
    updateFollowUp(ctx, f._id, { $set: { state: 'expired' }, $inc: { revision: 1 } }, (current) =>
      (AWAITING_STATES as readonly string[]).includes(current.state),
    ),
  );
  return { outcome: f.outcome };
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
  };
}
