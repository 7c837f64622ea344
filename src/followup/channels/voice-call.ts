import { Router, type Response } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../../i18n/languages.js';
import type { VoiceTextKey } from '../../i18n/voice.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { verifyTwilioSignature } from '../../twilio/signature.js';
import { renderStep, speakText } from '../../voice/engine.js';
import type { Flow } from '../../voice/flow.js';
import { queueVoiceJob, type CallAnswerJob } from '../../voice/persistence.js';
import { applyAnswer, conversationOf } from '../conversation/answers.js';
import type { ConversationInput, ConversationStage } from '../conversation/conversation.js';
import { REASONS, type Rating, type Reason } from '../conversation/reply-parser.js';
import { AWAITING_STATES } from '../outcome/outcome.js';
import { callStatusRank } from '../send/message-status.js';
import { advanceNow, recordAttemptResult } from './advance.js';
import { callLanguageOf } from './call-urls.js';

/**
 * The outbound verification call: placed by the sender (deliver.ts) with asynchronous answering-
 * machine detection, answered here. Keys pressed go through the voice queue to the follow-up's
 * conversation (applyCallAnswer), never in the request, so a caller keeps hearing questions while
 * MongoDB is slow or down. A machine gets a short message and no survey, and no key it "presses"
 * is ever recorded; busy, unanswered and failed calls end that attempt and the next channel is tried.
 */

export const VERIFICATION_FLOW = 'closure-verification';

const idPattern = /^[A-Za-z0-9._-]{1,64}$/;
const verifyQuery = z.object({
  fu: z.string().regex(/^[0-9a-f]{24}$/),
  l: z.enum(CITIZEN_LANGUAGES).default('ar'),
  t: z.string().regex(idPattern).default(''),
});
const callBody = z.object({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  CallStatus: z.string().max(32).optional(),
  AnsweredBy: z.string().max(32).optional(),
});

export function isMachine(answeredBy: string | undefined): boolean {
  return !!answeredBy && (answeredBy.startsWith('machine') || answeredBy === 'fax');
}

function twiml(res: Response, xml: string): void {
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.end(xml);
}

function sayAndHangUp(flow: Flow, lang: CitizenLanguage, key: VoiceTextKey, base: string): string {
  const r = new twilio.twiml.VoiceResponse();
  speakText(r, flow, lang, key, base);
  r.hangup();
  return r.toString();
}

export function verificationCallRouter(ctx: AppContext, flow: Flow): Router {
  const router = Router();
  const signed = verifyTwilioSignature({
    authToken: ctx.config.twilio.authToken,
    publicBaseUrl: ctx.config.publicBaseUrl,
    log: ctx.log,
  });
  const base = ctx.config.publicBaseUrl;

  // The call is answered: the first question, unless the citizen has answered on another channel.
  router.post('/voice/verify', ...signed, async (req, res) => {
    const q = verifyQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success) {
      ctx.log.warn({}, 'malformed verification call entry');
      return twiml(res, sayAndHangUp(flow, 'ar', 'verifyAlreadyAnswered', base));
    }
    const f = await ctx.models.FollowUp.findById(q.data.fu)
      .select({ state: 1, answeredAt: 1 })
      .lean<Pick<FollowUpDoc, 'state' | 'answeredAt'>>()
      .catch((err: unknown) => {
        // The questions do not need the database; the answers wait in the queue.
        ctx.log.warn({ err }, 'follow-up unreadable at call start; asking anyway');
        return undefined;
      });
    // 'sending': the call was answered before the sender recorded it (a quick pick-up).
    const open = (s: string) => s === 'sending' || (AWAITING_STATES as readonly string[]).includes(s);
    if (f === null || (f && (f.answeredAt || !open(f.state))))
      return twiml(res, sayAndHangUp(flow, q.data.l, 'verifyAlreadyAnswered', base));
    twiml(
      res,
      renderStep(flow, { f: flow.id, s: flow.firstStep, l: q.data.l, r: 0, a: q.data.fu, t: q.data.t }),
    );
  });

  // Asynchronous answering-machine detection: a machine hears a short message instead of the survey.
  router.post('/voice/amd', ...signed, async (req, res) => {
    const q = verifyQuery.pick({ fu: true }).safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success || !body.data.AnsweredBy) {
      res.status(400).type('text/plain').send('Malformed answering-machine callback');
      return;
    }
    const machine = isMachine(body.data.AnsweredBy);
    const sid = body.data.CallSid;
    // Kept by call sid on the follow-up itself: the callback may come before the sender has recorded
    // the attempt, and the answers of the call wait for it (applyCallAnswer).
    const f = await ctx.models.FollowUp.findOneAndUpdate(
      { _id: q.data.fu },
      { $set: { [`callAmd.${sid}`]: machine ? 'machine' : 'human' } },
      { returnDocument: 'after' },
    ).lean<FollowUpDoc>();
    res.status(204).end();
    if (!f || !machine) return;
    ctx.log.info({ ticketRef: f.ticketRef, closure: f.closureNumber }, 'verification call reached a machine');
    const lang = callLanguageOf(f.language);
    try {
      await ctx.twilio.calls(sid).update({ twiml: sayAndHangUp(flow, lang, 'verifyMachine', base) });
    } catch (err) {
      ctx.log.warn({ err, ticketRef: f.ticketRef }, 'could not end the machine-answered call');
    }
    await recordAttemptResult(ctx, f._id, sid, 'machine');
    await advanceNow(ctx, f);
  });

  router.post('/voice/verify-status', ...signed, async (req, res) => {
    const q = verifyQuery.pick({ fu: true }).safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success || !body.data.CallStatus) {
      res.status(400).type('text/plain').send('Malformed status callback');
      return;
    }
    const status = body.data.CallStatus;
    const unanswered = ['busy', 'no-answer', 'failed', 'canceled'].includes(status);
    await callStatusForward(ctx, q.data.fu, body.data.CallSid, status);
    const f = await ctx.models.FollowUp.findById(q.data.fu).lean<FollowUpDoc>();
    if (f) {
      // A machine's attempt says so (written again here: its callback may have come before the
      // sender recorded the attempt); the others end as Twilio says.
      const machine = f.callAmd?.[body.data.CallSid] === 'machine';
      await recordAttemptResult(ctx, f._id, body.data.CallSid, machine ? 'machine' : status);
      // An outcome of this attempt, not of the follow-up: the next channel is tried now.
      if (unanswered) await advanceNow(ctx, f);
    }
    res.status(204).end();
  });

  return router;
}

/**
 * The call's message record (stored by the sender with the status `calls.create` returned, usually
 * "ringing") moves on with the call's status callbacks, only forward, since callbacks come out of
 * order and repeated (the metrics count records by status). A callback that beats the sender's
 * record (a call refused at once) creates it: the sender's insert then meets it and leaves it be.
 */
async function callStatusForward(
  ctx: AppContext,
  followUpId: string,
  sid: string,
  status: string,
): Promise<void> {
  const rank = callStatusRank(status);
  if (rank < 0) return;
  const at = new Date();
  try {
    await ctx.models.FollowUpMessage.updateOne(
      { _id: sid, statusRank: { $lt: rank } },
      {
        $set: { status, statusRank: rank },
        $push: { statusHistory: { status, at } },
        $setOnInsert: {
          followUpId,
          direction: 'outbound',
          kind: 'initial',
          channel: 'voice',
          sid,
          body: '',
        },
      },
      { upsert: true },
    );
  } catch (err) {
    // The record exists at this rank or a later one: the update was a step back, rightly refused.
    if (!isDuplicateKey(err)) throw err;
  }
}

export async function queueCallAnswer(ctx: AppContext, job: Omit<CallAnswerJob, 'type'>): Promise<void> {
  await queueVoiceJob(ctx, { type: 'verify', ...job });
}

/** How far a conversation has come, so a call's answers are applied in the order they were asked. */
const RANK: Record<ConversationStage, number> = {
  awaiting_solved: 0,
  awaiting_rating: 1,
  awaiting_reason: 2,
  completed: 3,
};

export class CallAnswerNotReadyError extends Error {}

function inputOf(job: CallAnswerJob): ConversationInput | undefined {
  if (job.field === 'solved' && typeof job.value === 'boolean') return { kind: 'solved', value: job.value };
  if (job.field === 'rating' && typeof job.value === 'number' && job.value >= 1 && job.value <= 5)
    return { kind: 'rating', value: job.value as Rating };
  if (job.field === 'reason' && (REASONS as readonly string[]).includes(String(job.value)))
    return { kind: 'reason', value: job.value as Reason };
  return undefined;
}

/**
 * One key answer of a verification call, applied to the follow-up's conversation. It waits (by
 * failing, so the queue retries it) for the answering-machine result and for the call's earlier
 * answer, since the jobs of one call may run in any order; a machine's keys are dropped.
 */
export async function applyCallAnswer(ctx: AppContext, job: CallAnswerJob): Promise<unknown> {
  const f = await ctx.models.FollowUp.findById(job.followUpId).lean<FollowUpDoc>();
  if (!f) return { stored: false, why: 'no such follow-up' };
  const amd = f.callAmd?.[job.callSid];
  if (amd === undefined)
    throw new CallAnswerNotReadyError(`call ${job.callSid}: waiting for the answering-machine result`);
  if (amd === 'machine') return { stored: false, why: 'answered by a machine' };
  const input = inputOf(job);
  if (!input) return { stored: false, why: `unusable ${job.field} value` };
  const at = conversationOf(f)?.state;
  if (at !== undefined && RANK[at] < RANK[`awaiting_${job.field}`])
    throw new CallAnswerNotReadyError(
      `call ${job.callSid}: the answer before ${job.field} is not applied yet`,
    );
  const result = await applyAnswer(ctx, f, input, 'voice', { answerId: `${job.callSid}-${job.step}` });
  if (result.applied) await recordAttemptResult(ctx, f._id, job.callSid, 'answered');
  return { stored: result.applied };
}
