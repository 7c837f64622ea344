import { UnrecoverableError, type Job } from 'bullmq';
import { agencyFollowUpRules } from '../agency-rules.js';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { isOptedOut } from '../conversation/opt-out.js';
import { closeFollowUp } from '../outcome/outcome.js';
import { FOLLOWUP_QUEUE, followUpJobId } from '../queue.js';
import { addFollowUpJobs } from '../schedule/scheduler.js';
import { nextSendTime } from '../schedule/send-window.js';
import { composeMessage } from '../send/compose.js';
import { statusRank, twilioFailure } from '../send/message-status.js';
import { deferToWindow } from '../send/window-wait.js';
import { deliver } from './deliver.js';
import { nextChannel, ruledOutBy, type SendChannel } from './plan.js';

const HOUR = 3_600_000;

/**
 * Moving a follow-up to its next channel. Not a step of the conversation, so no revision: an answer
 * decided meanwhile still lands, and a move conditional on "still unanswered at this channel" loses
 * to it. The `next` job of position i runs when channel i-1 has waited its time; a failure on the
 * channel (an undelivered message, a busy or unanswered call, a machine) runs it at once.
 */

type Key = Pick<FollowUpDoc, '_id' | 'ticketRef' | 'closureNumber' | 'agency'> & {
  channelIndex?: number | null;
};

export function planOf(f: Pick<FollowUpDoc, 'channels' | 'channel'>): SendChannel[] {
  const plan = (f.channels ?? []).filter(
    (c): c is SendChannel => c === 'sms' || c === 'whatsapp' || c === 'voice',
  );
  return plan.length > 0 ? plan : [f.channel === 'whatsapp' || f.channel === 'voice' ? f.channel : 'sms'];
}

/** Bookkeeping on the attempt with this sid: how it ended. */
export async function recordAttemptResult(
  ctx: AppContext,
  id: FollowUpDoc['_id'],
  sid: string,
  result: string,
  errorCode?: number,
): Promise<void> {
  await ctx.models.FollowUp.updateOne(
    { _id: id, 'attempts.sid': sid },
    {
      $set: {
        'attempts.$.result': result,
        ...(errorCode !== undefined ? { 'attempts.$.errorCode': errorCode } : {}),
      },
    },
  );
}

/** The next channel's job, now: the delayed one is promoted, or added if it was never scheduled. */
export async function advanceNow(ctx: AppContext, f: Key): Promise<void> {
  const index = (f.channelIndex ?? 0) + 1;
  const id = followUpJobId('next', f.ticketRef, f.closureNumber, index);
  const queue = ctx.queues.get(FOLLOWUP_QUEUE);
  const job = await queue.getJob(id);
  if (job) {
    if (await job.isDelayed())
      await job.promote().catch((err: unknown) => {
        // Promoted by a concurrent callback, or started meanwhile: either way it runs.
        ctx.log.debug({ err, ticketRef: f.ticketRef }, 'next channel already promoted');
      });
    return;
  }
  await addFollowUpJobs(ctx, [{ followUp: f, kind: 'next', runAt: new Date(), index }]);
}

/** Schedules the move after this channel's wait, if a channel follows it. */
export async function scheduleNextChannel(
  ctx: AppContext,
  f: Key & Pick<FollowUpDoc, 'channels' | 'channel'>,
  from: Date,
): Promise<void> {
  const index = (f.channelIndex ?? 0) + 1;
  if (index >= planOf(f).length) return;
  const rules = await agencyFollowUpRules(ctx, f.agency);
  const runAt = nextSendTime(new Date(from.getTime() + rules.channelWaitHours * HOUR), rules.window);
  await addFollowUpJobs(ctx, [{ followUp: f, kind: 'next', runAt, index }]);
}

export async function moveToNextChannel(
  ctx: AppContext,
  job: Job,
  token: string | undefined,
  f: FollowUpDoc,
  index: number,
): Promise<unknown> {
  // A failure reported before the sender recorded its send: that record is moments away.
  if (f.state === 'sending')
    throw new Error(`follow-up ${f.ticketRef}/${f.closureNumber} is still recording its send; retrying`);
  if (f.state !== 'awaiting_solved' || f.answeredAt) return { skipped: `follow-up is ${f.state}` };
  const current = f.channelIndex ?? 0;
  if (current >= index) return { skipped: 'already moved on' };
  const plan = planOf(f);
  const target = nextChannel(plan, index - 1, f.unreachable ?? []);
  if (!target) return { skipped: 'no channel left' };
  if (await isOptedOut(ctx, f.citizenPhone)) return { skipped: 'opted_out' };
  await deferToWindow(ctx, job, token);
  const claimed = await ctx.models.FollowUp.findOneAndUpdate(
    { _id: f._id, state: 'awaiting_solved', answeredAt: null, channelIndex: current },
    { $set: { channelIndex: target.index, channel: target.channel } },
    { returnDocument: 'after' },
  ).lean<FollowUpDoc>();
  if (!claimed) return { skipped: 'answered or moved on meanwhile' };
  const rules = await agencyFollowUpRules(ctx, f.agency);
  const message = await composeMessage(ctx, claimed, 'initial');
  const at = new Date();
  let sent;
  try {
    sent = await deliver(ctx, claimed, target.channel, message, rules);
  } catch (err) {
    const { code, status, cls } = twilioFailure(err);
    if (cls === 'retry') {
      // Given back, so this job's retry claims the same channel again.
      await ctx.models.FollowUp.updateOne(
        { _id: f._id, channelIndex: target.index },
        { $set: { channelIndex: current, channel: f.channel } },
      );
      throw new Error(
        `${target.channel} attempt for ${f.ticketRef}/${f.closureNumber} failed (${code ?? status ?? 'network'})`,
        { cause: err },
      );
    }
    await ctx.models.FollowUp.updateOne(
      { _id: f._id },
      {
        $push: {
          attempts: {
            channel: target.channel,
            at,
            result: 'failed',
            ...(code !== undefined ? { errorCode: code } : {}),
          },
        },
        $addToSet: { unreachable: { $each: ruledOutBy(target.channel, code) } },
      },
    );
    ctx.log.warn(
      { ticketRef: f.ticketRef, channel: target.channel, code },
      'channel attempt refused; moving on',
    );
    if (cls === 'configuration')
      throw new UnrecoverableError(
        `${target.channel} for ${f.ticketRef}: Twilio configuration error ${code ?? status}`,
      );
    const after = await ctx.models.FollowUp.findById(f._id).lean<FollowUpDoc>();
    if (after && nextChannel(plan, target.index, after.unreachable ?? [])) await advanceNow(ctx, after);
    else if (after && !after.attempts?.some((a) => a.result !== 'failed'))
      await closeFollowUp(ctx, after, { state: 'failed', outcome: 'undeliverable', onlyIfUnanswered: true });
    return { failed: target.channel, code };
  }
  await ctx.models.FollowUpMessage.create({
    _id: sent.sid,
    followUpId: f._id.toString(),
    direction: 'outbound',
    kind: 'initial',
    channel: target.channel,
    sid: sent.sid,
    body: sent.record,
    segments: message.segments,
    status: sent.status,
    statusRank: statusRank(sent.status),
  }).catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
  });
  await ctx.models.FollowUp.updateOne(
    { _id: f._id },
    { $push: { attempts: { channel: target.channel, sid: sent.sid, at, result: sent.status } } },
  );
  await scheduleNextChannel(ctx, claimed, at);
  ctx.log.info(
    { ticketRef: f.ticketRef, closure: f.closureNumber, channel: target.channel },
    'follow-up asked on the next channel',
  );
  return { sid: sent.sid, channel: target.channel };
}
