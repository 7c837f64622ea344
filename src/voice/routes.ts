import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { CITIZEN_LANGUAGES } from '../i18n/languages.js';
import type { VoiceTextKey } from '../i18n/voice.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { callStateSchema, decide, renderError, renderStep, speakText, type CallState } from './engine.js';
import type { Flow, VoiceLanguage } from './flow.js';
import { loadFlows } from './flows.js';
import { entryFromSipHeaders, HANDOFF_CODE_DIGITS, redeemHandoff } from './handoff.js';
import {
  FIRST_MENU_LANGUAGES,
  languageOfKey,
  OTHER_LANGUAGES_KEY,
  OTHER_MENU_LANGUAGES,
} from './language-menu.js';
import { PROMPT_PATH, PROMPTS_DIR } from './recorded.js';
import { answerQueue, queueVoiceJob } from './persistence.js';
import {
  queueCallAnswer,
  VERIFICATION_FLOW,
  verificationCallRouter,
} from '../followup/channels/voice-call.js';

const RATING_FLOW = 'post-call-rating';
const id = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9._-]*$/);
const entryQuery = z.object({
  agent: id.default(''),
  ticket: id.default(''),
  lang: z.enum(CITIZEN_LANGUAGES).default('ar'),
  /** Which language menu the keys answer: the first, or "other languages" (asked at most twice). */
  menu: z.enum(['first', 'other', 'other-again']).default('first'),
});
const callBody = z.object({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  Digits: z.string().max(64).optional(),
  CallStatus: z.string().max(32).optional(),
  CallDuration: z.coerce.number().int().min(0).optional(),
  DialCallStatus: z.string().max(32).optional(),
  RecordingSid: z
    .string()
    .regex(/^RE[0-9a-fA-F]{32}$/)
    .optional(),
  RecordingUrl: z.url().optional(),
  RecordingDuration: z.coerce.number().int().min(0).optional(),
  RecordingStatus: z.string().max(32).optional(),
});

/** TwiML is never cached or sent conditionally, so Express's send (ETag hashing included) is skipped. */
function twiml(res: Response, xml: string): void {
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(xml));
  res.end(xml);
}

export function voiceRouter(ctx: AppContext): Router {
  const base = ctx.config.publicBaseUrl;
  const flows = loadFlows(base);
  const router = Router();
  // The recorded prompts, fetched by Twilio for <Play> like any public file: no signature on a GET.
  router.use(PROMPT_PATH, express.static(fileURLToPath(PROMPTS_DIR), { fallthrough: false, index: false }));
  const signed = verifyTwilioSignature({
    authToken: ctx.config.twilio.authToken,
    publicBaseUrl: ctx.config.publicBaseUrl,
    log: ctx.log,
  });
  const rating = flows.get(RATING_FLOW) as Flow;
  const queueAnswer = answerQueue(ctx);
  type Target = Parameters<typeof speakText>[0];
  const say = (r: Target, lang: VoiceLanguage, key: VoiceTextKey) => speakText(r, rating, lang, key, base);
  /** A language menu: each language announces its key in its own words and voice. */
  const languageMenu = (q: { agent: string; ticket: string }, menu: 'first' | 'other' | 'other-again') => {
    const r = new twilio.twiml.VoiceResponse();
    const gather = r.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: menu === 'first' ? 4 : 6,
      actionOnEmptyResult: true,
      action: `/voice/connect?${new URLSearchParams({ agent: q.agent, ticket: q.ticket, menu }).toString()}`,
      method: 'POST',
    });
    for (const lang of menu === 'first' ? FIRST_MENU_LANGUAGES : OTHER_MENU_LANGUAGES)
      say(gather, lang, 'languageMenu');
    if (menu === 'first') say(gather, 'en', 'otherLanguages');
    return r.toString();
  };
  const fail = (res: Response, lang: VoiceLanguage, why: string, detail: Record<string, unknown>) => {
    ctx.log.error({ ...detail, why }, 'voice webhook could not be served; apologised and hung up');
    twiml(res, renderError(rating, lang));
  };
  // A caller on the line must never hear an error for our Redis: without the code, the rating is
  // taken unattributed and the failure logged.
  const redeem = (code: string) =>
    redeemHandoff(ctx, code).catch((err: unknown) => {
      ctx.log.error({ err }, 'handoff code could not be read; rating taken without the agent');
      return undefined;
    });
  const firstStep = (flow: Flow, q: { lang: VoiceLanguage; agent: string; ticket: string }): CallState => ({
    f: flow.id,
    s: flow.firstStep,
    l: q.lang,
    r: 0,
    a: q.agent,
    t: q.ticket,
  });

  // An inbound call: choose the language (Arabic unless another is chosen), then connect to the agent.
  router.post('/voice/incoming', ...signed, (req, res) => {
    const q = entryQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success)
      return fail(res, 'ar', 'malformed incoming call', { query: Object.keys(req.query) });
    twiml(res, languageMenu(q.data, 'first'));
  });

  router.post('/voice/connect', ...signed, async (req, res) => {
    const q = entryQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success) return fail(res, 'ar', 'malformed connect', {});
    const chosen = languageOfKey(body.data.Digits);
    const asksOthers = q.data.menu === 'first' && body.data.Digits === OTHER_LANGUAGES_KEY;
    if (!chosen && (asksOthers || q.data.menu === 'other'))
      return twiml(res, languageMenu(q.data, asksOthers ? 'other' : 'other-again'));
    // Silence or a wrong key on the first menu (or twice on the other one) means Arabic, as before.
    const lang: VoiceLanguage = chosen ?? 'ar';
    let target = ctx.config.voice.agentDialTarget;
    if (q.data.agent) {
      // The agent directory is a convenience: if MongoDB is down the call still goes through.
      const agent = await ctx.models.Agent.findOne({ agentId: q.data.agent })
        .lean()
        .catch((err: unknown) => {
          ctx.log.warn({ err }, 'agent directory unavailable; dialling the configured target');
          return null;
        });
      if (agent?.dialTarget) target = agent.dialTarget;
    }
    const r = new twilio.twiml.VoiceResponse();
    say(r, lang, 'connecting');
    const dial = r.dial({
      action: `/voice/dial-done?${new URLSearchParams({ agent: q.data.agent, ticket: q.data.ticket, lang }).toString()}`,
      method: 'POST',
      timeout: 20,
    });
    if (target.startsWith('sip:')) dial.sip(target);
    else dial.number(target);
    twiml(res, r.toString());
  });

  // The agent leg ended: rate only if it was connected; a busy, unanswered or failed dial is not rated.
  router.post('/voice/dial-done', ...signed, (req, res) => {
    const q = entryQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success) return fail(res, 'ar', 'malformed dial result', {});
    const status = body.data.DialCallStatus ?? '';
    if (status === 'completed' || status === 'answered')
      return twiml(res, renderStep(rating, firstStep(rating, q.data)));
    const r = new twilio.twiml.VoiceResponse();
    say(r, q.data.lang, 'notConnected');
    r.hangup();
    ctx.log.info({ dialStatus: status }, 'agent not reached; no rating requested');
    twiml(res, r.toString());
  });

  // A call transferred from another contact-centre platform straight to the rating menu. Who the
  // caller spoke to comes from the query (a Twilio <Redirect>) or the transfer's SIP headers
  // (handoff.ts); nothing named, the rating is taken unattributed, as it always was.
  // Who the caller spoke to, from the transfer's SIP headers (or a code in them), when the query
  // does not say; undefined when nothing names the call.
  const entryOfTransfer = async (
    req: Request,
    callSid: string,
  ): Promise<{ agent: string; ticket: string; lang: VoiceLanguage } | undefined> => {
    const sip = entryFromSipHeaders(req.body as Record<string, unknown>);
    if (sip.kind === 'entry') return sip.entry;
    if (sip.kind !== 'code') return undefined;
    const entry = await redeem(sip.code);
    if (!entry) ctx.log.warn({ callSid }, 'handoff code in SIP header unknown or used');
    return entry;
  };

  router.post('/voice/rating', ...signed, async (req, res) => {
    const q = entryQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success)
      return fail(res, 'ar', 'malformed rating entry', { query: Object.keys(req.query) });
    const entry = q.data.agent ? q.data : ((await entryOfTransfer(req, body.data.CallSid)) ?? q.data);
    twiml(res, renderStep(rating, firstStep(rating, entry)));
  });

  // The survey number of a platform that transfers over the phone network, which carries no
  // headers: SIP headers if there are any, else a silent moment for the code the platform sends as
  // digits. Silence (a platform that sends none) goes on to the menu unattributed.
  router.post('/voice/transfer', ...signed, async (req, res) => {
    const q = entryQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success)
      return fail(res, 'ar', 'malformed transfer entry', { query: Object.keys(req.query) });
    const entry = q.data.agent ? q.data : await entryOfTransfer(req, body.data.CallSid);
    if (entry) return twiml(res, renderStep(rating, firstStep(rating, entry)));
    const r = new twilio.twiml.VoiceResponse();
    r.gather({
      input: ['dtmf'],
      numDigits: HANDOFF_CODE_DIGITS,
      timeout: 3,
      finishOnKey: '#',
      actionOnEmptyResult: true,
      action: `/voice/handoff?${new URLSearchParams({ lang: q.data.lang }).toString()}`,
      method: 'POST',
    });
    twiml(res, r.toString());
  });

  router.post('/voice/handoff', ...signed, async (req, res) => {
    const q = entryQuery.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!q.success || !body.success) return fail(res, 'ar', 'malformed handoff', {});
    const digits = body.data.Digits ?? '';
    const entry = digits ? await redeem(digits) : undefined;
    if (digits && !entry) ctx.log.warn({ callSid: body.data.CallSid }, 'handoff digits unknown or used');
    twiml(res, renderStep(rating, firstStep(rating, entry ?? q.data)));
  });

  router.post('/voice/step', ...signed, async (req, res) => {
    const state = callStateSchema.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    const lang: VoiceLanguage = CITIZEN_LANGUAGES.find((l) => l === req.query.l) ?? 'ar';
    if (!state.success || !body.success)
      return fail(res, lang, 'malformed step', { query: Object.keys(req.query) });
    const flow = flows.get(state.data.f);
    if (!flow || !flow.steps[state.data.s])
      return fail(res, lang, 'unknown flow or step', { flow: state.data.f, step: state.data.s });
    const decision = decide(flow, state.data, body.data.Digits);
    const field = decision.answer?.field;
    if (
      decision.answer &&
      flow.id === VERIFICATION_FLOW &&
      (field === 'solved' || field === 'rating' || field === 'reason')
    ) {
      // A verification call's keys answer the follow-up (its id travels as the call's `a`).
      await queueCallAnswer(ctx, {
        callSid: body.data.CallSid,
        followUpId: state.data.a,
        step: state.data.s,
        field,
        value: decision.answer.value,
        at: new Date().toISOString(),
      }).catch((err: unknown) => {
        ctx.log.error({ err, step: state.data.s }, 'could not queue a verification call answer; it is lost');
      });
    } else if (decision.answer) {
      await queueAnswer({
        type: 'answer',
        callSid: body.data.CallSid,
        flow: flow.id,
        lang: state.data.l,
        agentId: state.data.a,
        ticketRef: state.data.t,
        step: state.data.s,
        field: decision.answer.field,
        value: decision.answer.value,
        digits: decision.answer.digits,
        at: new Date().toISOString(),
      }).catch((err: unknown) => {
        // Redis unreachable: the caller must still hear the next question, so answer and say so loudly.
        ctx.log.error({ err, step: state.data.s }, 'could not queue an IVR answer; it is lost');
      });
    }
    twiml(res, decision.twiml);
  });

  const verification = flows.get(VERIFICATION_FLOW);
  if (verification) router.use(verificationCallRouter(ctx, verification));

  router.post('/voice/recording', ...signed, async (req, res) => {
    const state = callStateSchema.safeParse(req.query);
    const body = callBody.safeParse(req.body);
    if (!state.success || !body.success || !body.data.RecordingSid || !body.data.RecordingUrl) {
      ctx.log.warn({}, 'malformed recording callback ignored');
      res.status(400).type('text/plain').send('Malformed recording callback');
      return;
    }
    // Only the reference is stored; the audio stays with Twilio and is never fetched in a request.
    await queueVoiceJob(ctx, {
      type: 'recording',
      callSid: body.data.CallSid,
      flow: state.data.f,
      lang: state.data.l,
      agentId: state.data.a,
      ticketRef: state.data.t,
      recordingSid: body.data.RecordingSid,
      url: body.data.RecordingUrl,
      durationSec: body.data.RecordingDuration ?? 0,
      status: body.data.RecordingStatus ?? 'completed',
    });
    res.status(204).end();
  });

  router.post('/voice/status', ...signed, async (req, res) => {
    const body = callBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).type('text/plain').send('Malformed status callback');
      return;
    }
    const final = ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(
      body.data.CallStatus ?? '',
    );
    if (final) {
      // A short delay lets the last answers of the call land first; later ones still update the status.
      await queueVoiceJob(
        ctx,
        {
          type: 'finalise',
          callSid: body.data.CallSid,
          callStatus: body.data.CallStatus ?? '',
          durationSec: body.data.CallDuration,
        },
        1000,
      );
    }
    res.status(204).end();
  });

  return router;
}
