import type { RequestHandler } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { FollowUp } from '../db/models/followup.js';
import type { Language } from '../db/models/ticket.js';
import { followUpTexts, type FollowUpTexts } from '../i18n/followup.js';
import { isDuplicateKey } from '../tickets/service.js';
import { applyAnswer, conversationOf } from './answers.js';
import type { ReplyKey } from './conversation.js';
import { AWAITING_STATES, closeFollowUp, OPEN_STATES } from './outcome.js';
import { parseReply } from './reply-parser.js';

const inboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/i),
  From: z.string().min(3).max(64),
  Body: z.string().max(20_000).default(''),
  OptOutType: z.enum(['STOP', 'START', 'HELP']).optional(),
});

type FollowUpDoc = FollowUp & { _id: { toString(): string } };

function replyText(texts: FollowUpTexts, key: ReplyKey, ref: string): string {
  return key === 'alreadyAnswered' ? texts.alreadyAnswered(ref) : texts[key]();
}

function twiml(messages: string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  for (const m of messages) response.message(m);
  return response.toString();
}

/**
 * POST /sms/inbound (SMS and WhatsApp). Matches the reply to the citizen's newest open follow-up and
 * answers with TwiML. Keywords (STOP, إيقاف, START, اشتراك, HELP) work whatever is being asked.
 */
export function inboundHandler(ctx: AppContext): RequestHandler {
  const { FollowUp, FollowUpMessage, OptOut } = ctx.models;
  return async (req, res) => {
    const send = (messages: string[]) => res.type('text/xml').send(twiml(messages));
    const parsed = inboundSchema.safeParse(req.body);
    if (!parsed.success) {
      ctx.log.warn(
        { issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'malformed inbound message ignored',
      );
      res.status(400).type('text/plain').send('Malformed inbound message');
      return;
    }
    const { MessageSid: sid, From: from, Body: body, OptOutType: optOutType } = parsed.data;
    const channel = from.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
    const phone = from.replace(/^whatsapp:/, '');

    if ((await FollowUpMessage.countDocuments({ sid })) > 0) return send([]); // Twilio retried a delivered webhook

    const newest = await FollowUp.find({ citizenPhone: phone })
      .sort({ sentAt: -1, createdAt: -1 })
      .limit(20)
      .lean<FollowUpDoc[]>();
    const lang: Language = newest[0]?.language === 'en' ? 'en' : 'ar';
    const texts = followUpTexts[lang];
    const open = newest.filter(
      (f) =>
        (AWAITING_STATES as readonly string[]).includes(f.state) ||
        (f.state === 'sending' && f.sendAttemptAt),
    );
    const target = open[0];
    const question = target ? conversationOf(target)?.step : undefined;
    // One parse serves both: keywords (STOP, إيقاف, START…) are recognised whatever the question.
    const reply = parseReply(body, question && question !== 'done' ? question : 'solved');
    const keyword = optOutType ?? reply.kind;

    if (keyword === 'STOP' || keyword === 'opt_out') {
      const before = await OptOut.findOneAndUpdate(
        { phone },
        { $set: { optedOut: true, source: optOutType ? 'twilio' : 'keyword', changedAt: new Date() } },
        { upsert: true },
      ).lean();
      for (const f of newest.filter((x) => (OPEN_STATES as readonly string[]).includes(x.state))) {
        // An answer already given stands (a citizen who said "not solved" and then STOP is still a dispute).
        const outcome = f.solved != null && f.outcome ? f.outcome : 'opted_out';
        await closeFollowUp(ctx, f._id.toString(), { state: 'opted_out', outcome });
      }
      ctx.log.info({ channel }, 'citizen opted out');
      // Confirmed once; with Twilio's Advanced Opt-Out (OptOutType set) Twilio has already confirmed.
      const confirm = !optOutType && !before?.optedOut;
      return send(confirm ? [texts.optedOut()] : []);
    }
    if (keyword === 'START' || keyword === 'opt_in') {
      await OptOut.updateOne(
        { phone },
        { $set: { optedOut: false, source: optOutType ? 'twilio' : 'keyword', changedAt: new Date() } },
        { upsert: true },
      );
      return send(optOutType ? [] : [texts.optedIn()]);
    }
    if (keyword === 'HELP' || keyword === 'help') return send(optOutType ? [] : [texts.help()]);

    if (!target) {
      const last = newest[0];
      if (last)
        return send([
          last.state === 'completed'
            ? texts.alreadyAnswered(last.ticketRef)
            : texts.closedOrExpired(last.ticketRef),
        ]);
      // Nothing about an unknown sender is kept beyond a count.
      await ctx.redis.incr(`${ctx.config.queuePrefix}:stats:inbound_unknown`);
      return send([followUpTexts.ar.unknownNumber(), followUpTexts.en.unknownNumber()]);
    }
    try {
      await FollowUpMessage.create({
        followUpId: target._id.toString(),
        direction: 'inbound',
        kind: 'reply',
        channel,
        sid,
        body: body.slice(0, 1600),
      });
    } catch (err) {
      if (isDuplicateKey(err)) return send([]); // the same webhook twice at once
      throw err;
    }
    const conversationInput =
      question === undefined ||
      question === 'done' ||
      reply.kind === 'opt_out' ||
      reply.kind === 'opt_in' ||
      reply.kind === 'help'
        ? { kind: 'unclear' as const, text: body }
        : reply;
    const result = await applyAnswer(ctx, target, conversationInput, channel);
    const targetTexts = followUpTexts[target.language === 'en' ? 'en' : 'ar'];
    const replies = result.replies.map((key) => replyText(targetTexts, key, target.ticketRef));
    if (open.length > 1 && replies.length > 0)
      replies[replies.length - 1] += ` ${targetTexts.appliedTo(target.ticketRef)}`;
    return send(replies);
  };
}
