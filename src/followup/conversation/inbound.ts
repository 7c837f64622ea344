import { createHmac } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { RequestHandler } from 'express';
import { DateTime } from 'luxon';
import twilio from 'twilio';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import { foldDigits } from '../../phone-mask.js';
import { turnBatcher } from '../../queue/turn-batch.js';
import type { WorkerDefinition } from '../../queue/workers.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { followUpTexts, type FollowUpTexts } from '../../i18n/followup.js';
import { citizenLanguageOf, type CitizenLanguage } from '../../i18n/languages.js';
import { metricsOf } from '../../http/metrics.js';
import { applyAnswer, conversationOf } from './answers.js';
import { questionOf, type ConversationInput, type ReplyKey } from './conversation.js';
import { statusRank, twilioFailure } from '../send/message-status.js';
import { AWAITING_STATES, closeFollowUp, isOpen } from '../outcome/outcome.js';
import { setOptOut } from './opt-out.js';
import { parseReply, type ParsedReply, type Question } from './reply-parser.js';
import { FOLLOW_UP_BUTTONS } from '../../twilio/whatsapp-buttons.js';
import { isBuiltIn, reasonLabels, type ReasonLabels } from './agency-reasons.js';

const inboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/i),
  // A number in another digit script is the same number: folded here, it finds its conversation
  // and the reply goes to a number Twilio accepts.
  From: z.string().min(3).max(64).transform(foldDigits),
  To: z.string().min(3).max(64).transform(foldDigits).optional(),
  Body: z.string().max(20_000).default(''),
  OptOutType: z.enum(['STOP', 'START', 'HELP']).optional(),
  // WhatsApp: a quick-reply tap's button id and title, the sender's WhatsApp id and profile name.
  // The profile name is personal data the follow-up does not need: validated, never stored.
  ButtonPayload: z.string().max(256).optional(),
  ButtonText: z.string().max(256).optional(),
  WaId: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
  ProfileName: z.string().max(256).optional(),
});

/** Inbound messages wait here for a worker; the webhook only verifies, validates and queues. */
export const INBOUND_QUEUE = 'sms-inbound';

export interface InboundJob {
  sid: string;
  from: string;
  to?: string | undefined;
  body: string;
  optOutType?: 'STOP' | 'START' | 'HELP' | undefined;
  /** A WhatsApp quick-reply tap: the button id of our template (content-templates.ts). */
  button?: string | undefined;
  /** Set once the reply is decided, so a retried job sends the same texts and never re-applies. */
  replies?: string[];
  /** Sids of the replies already sent, in order: a retry sends only the rest. */
  replySids?: string[];
  /** The follow-up the replies belong to (a WhatsApp reply refused outside the window finds it). */
  followUpId?: string;
  /**
   * Its place among the number's messages, in the order the webhook received them (see `takePlaces`);
   * absent on a job queued before replies were ordered, which is applied whenever it runs.
   */
  place?: number;
}

/** What a conversation says: a reply it decided, or its question asked again (in another language). */
type SaidKey = ReplyKey | 'askSolved';
const ASK_AGAIN: Record<Question, SaidKey> = {
  solved: 'askSolved',
  rating: 'askRating',
  reason: 'askReason',
};

function replyText(texts: FollowUpTexts, key: SaidKey, ref: string, reasons?: ReasonLabels): string {
  if (key === 'askReason' && reasons) return texts.askReasonIn(reasons);
  return key === 'alreadyAnswered' ? texts.alreadyAnswered(ref) : texts[key]();
}

const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();

// Why: docs/decisions/0007-inbound-sms-queued.md
/**
 * POST /sms/inbound (SMS and WhatsApp). Verified and validated here, then queued (job id from the
 * MessageSid, so Twilio's retries count once) and answered with empty TwiML in milliseconds. A worker
 * matches the reply to the citizen's follow-up and sends the answer through the REST API: Twilio
 * does not retry a failed inbound webhook, so doing the work here would lose a reply whenever
 * MongoDB was slow or down, while a queued job waits and retries.
 */
export function inboundHandler(ctx: AppContext): RequestHandler {
  const options = {
    attempts: 30,
    backoff: { type: 'exponential', delay: ctx.config.followUp.retryBaseMs, jitter: 0.2 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  } as const;
  // One round trip for the places and one pipelined addBulk per event-loop turn, for every message
  // that arrived in it (turn-batch.ts).
  const enqueue = turnBatcher<InboundJob, void>(async (jobs) => {
    const places = await takePlaces(ctx, jobs);
    await ctx.queues.get<InboundJob>(INBOUND_QUEUE).addBulk(
      jobs.map((job, i) => ({
        name: 'inbound',
        data: { ...job, place: places[i] },
        opts: { ...options, jobId: inboundJobId(job.sid) },
      })),
    );
    return jobs.map(() => undefined);
  });
  return async (req, res) => {
    const parsed = inboundSchema.safeParse(req.body);
    if (!parsed.success) {
      ctx.log.warn(
        { issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'malformed inbound message ignored',
      );
      res.status(400).type('text/plain').send('Malformed inbound message');
      return;
    }
    await enqueue({
      sid: parsed.data.MessageSid,
      from: parsed.data.From,
      to: parsed.data.To,
      // A tap without a typed body reads as its title if the button is not one of ours.
      body: parsed.data.Body || parsed.data.ButtonText || '',
      optOutType: parsed.data.OptOutType,
      button: parsed.data.ButtonPayload,
    });
    res.setHeader('Content-Type', 'text/xml; charset=utf-8');
    res.end(EMPTY_TWIML);
  };
}

export function inboundJobId(messageSid: string): string {
  return `in-${messageSid}`;
}

/**
 * How long a reply put off for an earlier one waits before it looks again. The earlier one wakes it
 * when it leaves (`leavePlace`), so a look only catches what woke nobody (a crash, a job vanished):
 * looking often would only take the workers from other numbers' replies.
 */
function waitTurnMs(waitedMs: number): number {
  return Math.min(2000, Math.max(250, Math.round(waitedMs / 4)));
}

/**
 * The worker side: decides the replies once, then sends them. A citizen's messages that arrive
 * together apply one at a time because each answer is a conditional write on the follow-up's
 * revision (answers.ts), not because anything holds a lock; and in the order received, because a
 * reply is put off while an earlier one of its number is still undecided (`mustWait`).
 */
export function inboundWorker(ctx: AppContext): WorkerDefinition {
  return {
    queue: INBOUND_QUEUE,
    options: { concurrency: 20 },
    process: async (job: Job, token?: string) => {
      const data = job.data as InboundJob;
      // Why: docs/decisions/0029-inbound-replies-in-order.md
      // Put off, not failed: moveToDelayed skips the attempt, so waiting spends none of the retries.
      const { place } = data;
      const ordered = place !== undefined && ctx.config.followUp.inboundOrderWaitMs > 0;
      if (!data.replies && ordered && (await mustWait(ctx, job, data, place))) {
        if (!token) throw new Error(`inbound ${data.sid}: no lock token to put the job off with`);
        await job.moveToDelayed(Date.now() + waitTurnMs(Date.now() - job.timestamp), token);
        // The earlier one may have left between the look and the move, waking nobody: look again.
        if (!(await mustWait(ctx, job, data, place))) await promoteIfDelayed(job);
        throw new DelayedError();
      }
      const decided: { followUpId?: string } = data.followUpId ? { followUpId: data.followUpId } : {};
      const replies = data.replies ?? (await answerInbound(ctx, data, decided));
      const replySids = [...(data.replySids ?? [])];
      const followUp = decided.followUpId ? { followUpId: decided.followUpId } : {};
      if (!data.replies) await job.updateData({ ...data, replies, replySids, ...followUp });
      // Decided, and kept with the job: the next reply of the number may go (again on a retry, in
      // case this one stopped between the two).
      await leavePlace(ctx, data);
      for (let i = replySids.length; i < replies.length; i++) {
        replySids.push(await sendReply(ctx, { ...data, ...followUp }, replies[i] ?? ''));
        await job.updateData({ ...data, replies, replySids, ...followUp });
      }
      return { replies, replySids };
    },
    // A job that will never decide its reply (out of retries, or unrecoverable) holds nothing up.
    failed: (job) => leavePlace(ctx, job.data as InboundJob),
  };
}

/** A number's messages by place, under a keyed hash: Redis keys and tools never show the number. */
function placesKey(ctx: AppContext, from: string): string {
  return `${ctx.config.queuePrefix}:inbound-order:${numberTag(ctx, from.replace(/^whatsapp:/, ''))}`;
}

/** Long past any wait: the set only has to outlive the jobs in it, and goes when it empties. */
const PLACES_TTL_MS = 86_400_000;

/**
 * Gives each message the next place in its number's set, after every place still there, unless its
 * sid has one (Twilio's retry of a webhook keeps its place); the set expires a day after its last
 * message. KEYS: the numbers' sets; ARGV[1] the expiry, then (index into KEYS, sid) per message.
 */
const TAKE_PLACES = `
local places = {}
for i = 2, #ARGV, 2 do
  local key = KEYS[tonumber(ARGV[i])]
  local sid = ARGV[i + 1]
  local place = tonumber(redis.call('ZSCORE', key, sid))
  if not place then
    local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    place = (tonumber(last[2]) or 0) + 1
    redis.call('ZADD', key, place, sid)
  end
  places[#places + 1] = place
end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return places
`;

/**
 * One round trip for a whole batch: the messages' places, in the order they arrived. SMS and
 * WhatsApp from one phone share a set, as they share the conversation. A Redis Cluster keeps every
 * key under the hash-tagged prefix in one slot (config/redis.ts), so one script can touch them all.
 */
async function takePlaces(ctx: AppContext, jobs: readonly InboundJob[]): Promise<number[]> {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const args: string[] = [];
  for (const job of jobs) {
    const key = placesKey(ctx, job.from);
    let at = index.get(key);
    if (at === undefined) {
      keys.push(key);
      at = keys.length;
      index.set(key, at);
    }
    args.push(String(at), job.sid);
  }
  const places = await ctx.redis.eval(TAKE_PLACES, keys.length, ...keys, String(PLACES_TTL_MS), ...args);
  if (!Array.isArray(places) || places.length !== jobs.length || !places.every((p) => Number.isInteger(p)))
    throw new Error(`ordering ${jobs.length} inbound message(s) returned ${JSON.stringify(places)}`);
  return places as number[];
}

/**
 * The message leaves its number's set, and the next one, if it is put off waiting for it, goes now
 * rather than at its next look (a burst of fifty would otherwise go at the pace of those looks).
 */
async function leavePlace(ctx: AppContext, data: InboundJob): Promise<void> {
  if (data.place === undefined) return;
  const key = placesKey(ctx, data.from);
  const results = await ctx.redis.multi().zrem(key, data.sid).zrange(key, '0', '0').exec();
  const [left, next] = results ?? [];
  const failure = left?.[0] ?? next?.[0] ?? (results ? undefined : new Error('transaction aborted'));
  if (failure)
    throw new Error(`inbound ${data.sid} leaving its place failed: ${failure.message}`, { cause: failure });
  const [nextSid] = (next?.[1] ?? []) as string[];
  if (nextSid === undefined) return;
  await wakeUp(ctx, nextSid).catch((err: unknown) =>
    // It goes at its next look all the same; this one has done its part.
    ctx.log.warn({ inbound: nextSid, err }, 'the next inbound reply could not be woken'),
  );
}

async function wakeUp(ctx: AppContext, sid: string): Promise<void> {
  const job = await ctx.queues.get(INBOUND_QUEUE).getJob(inboundJobId(sid));
  if (job) await promoteIfDelayed(job);
}

async function promoteIfDelayed(job: Job): Promise<void> {
  await job.promote().catch(async (err: unknown) => {
    // Not put off (running, waiting, or promoted by its own delay meanwhile): nothing to do.
    if (await job.isDelayed()) throw err;
  });
}

/**
 * Whether an earlier message of the number is still undecided and worth waiting for. One that will
 * never leave its place is passed over: done (completed, it left already or stopped before
 * leaving) or failed for good, it is cleared now; vanished from the queue, or retried for longer
 * than the bound (INBOUND_ORDER_MAX_WAIT_SECONDS from this message's arrival), it is passed, logged
 * by sid (never the number).
 */
async function mustWait(ctx: AppContext, job: Job, data: InboundJob, place: number): Promise<boolean> {
  const key = placesKey(ctx, data.from);
  const queue = ctx.queues.get(INBOUND_QUEUE);
  // A few finished ones cleared per look; any more wait for the next look.
  for (let cleared = 0; cleared < 5; cleared++) {
    const [before] = await ctx.redis.zrangebyscore(key, '-inf', `(${place}`, 'LIMIT', 0, 1);
    if (before === undefined) return false;
    const state = await queue.getJobState(inboundJobId(before));
    if (state === 'completed' || state === 'failed') {
      await ctx.redis.zrem(key, before);
      continue;
    }
    const waitedMs = Date.now() - job.timestamp;
    if (waitedMs < ctx.config.followUp.inboundOrderWaitMs) return true;
    ctx.log.warn(
      { inbound: data.sid, before, state, waitedMs },
      'inbound reply applied before an earlier one of its number that is still pending',
    );
    return false;
  }
  return true;
}

async function sendReply(ctx: AppContext, data: InboundJob, body: string): Promise<string> {
  const whatsapp = data.from.startsWith('whatsapp:');
  const { from, whatsappFrom, messagingServiceSid } = ctx.config.twilio;
  try {
    const sent = await ctx.twilio.messages.create({
      to: data.from,
      // Answer from the number the citizen wrote to, as a TwiML reply would.
      ...(data.to
        ? { from: data.to }
        : messagingServiceSid && !whatsapp
          ? { messagingServiceSid }
          : { from: whatsapp ? whatsappFrom : from }),
      body,
      // A WhatsApp reply's status says whether the 24-hour window was still open (63016 if not).
      ...(whatsapp && data.followUpId ? { statusCallback: `${ctx.config.publicBaseUrl}/sms/status` } : {}),
    });
    if (whatsapp && data.followUpId) {
      await ctx.models.FollowUpMessage.create({
        _id: sent.sid,
        followUpId: data.followUpId,
        direction: 'outbound',
        kind: 'reply',
        channel: 'whatsapp',
        sid: sent.sid,
        body,
        status: sent.status,
        statusRank: statusRank(sent.status),
      }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    }
    return sent.sid;
  } catch (err) {
    const { status, code, cls } = twilioFailure(err);
    const why = `reply to inbound ${data.sid} failed (${code ?? status ?? 'network'}): ${err instanceof Error ? err.message : String(err)}`;
    if (cls === 'retry') throw new Error(why, { cause: err });
    ctx.log.warn({ code, status, inbound: data.sid }, 'reply could not be sent; not retrying');
    throw new UnrecoverableError(why);
  }
}

/**
 * Matches the message to the citizen's newest open follow-up, applies it and returns the texts to
 * send back. Keywords (STOP, إيقاف, START, اشتراك, HELP) work whatever is being asked.
 */
async function answerInbound(
  ctx: AppContext,
  data: InboundJob,
  out: { followUpId?: string } = {},
): Promise<string[]> {
  const { FollowUpMessage } = ctx.models;
  const { sid, from, body, optOutType } = data;
  const channel = from.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
  const phone = from.replace(/^whatsapp:/, '');

  // A repeated MessageSid is stopped by its job id, and by the unique sid of the stored reply below.
  const newest = await followUpsOf(ctx, phone);
  const lang: CitizenLanguage = newest[0]?.language ?? 'ar';
  const texts = followUpTexts[lang];
  const open = newest.filter(
    (f) =>
      (AWAITING_STATES as readonly string[]).includes(f.state) || (f.state === 'sending' && f.sendAttemptAt),
  );
  const target = open[0];
  const at = target ? conversationOf(target)?.state : undefined;
  const question = at ? questionOf(at) : undefined;
  // One parse serves both: keywords (STOP, إيقاف, START…) are recognised whatever the question.
  const tapped = data.button !== undefined ? buttonAnswer(data.button) : undefined;
  const reply = tapped ?? parseReply(body, question ?? 'solved', citizenLanguageOf(target?.language ?? ''));
  const keyword = optOutType ?? reply.kind;
  // The measured share of each reading (verisat_reply_readings_total).
  const count = (outcome: string, asked: Question | undefined = question) =>
    metricsOf(ctx).replyReadings.inc({ question: asked ?? 'none', outcome });
  if (keyword === 'STOP' || keyword === 'START' || keyword === 'HELP') count(KEYWORD_READING[keyword]);
  else if (keyword === 'opt_out' || keyword === 'opt_in' || keyword === 'help') count(keyword);

  // Every answer the number's own messages do not move a conversation to is capped (see `capped`);
  // what the message asks for (an opt-out, an opt-in) is done whether or not it is answered.
  const answer = (replies: string[]) => capped(ctx, phone, replies);
  if (keyword === 'STOP' || keyword === 'opt_out') {
    const { wasOptedOut } = await setOptOut(ctx, phone, true, optOutType ? 'twilio' : 'keyword');
    // An answer already given keeps its outcome (closeFollowUp): "not solved" then STOP is a dispute.
    for (const f of newest.filter((x) => isOpen(x.state)))
      await closeFollowUp(ctx, f, { state: 'opted_out', outcome: 'opted_out' });
    ctx.log.info({ channel }, 'citizen opted out');
    // Confirmed once; with Twilio's Advanced Opt-Out (OptOutType set) Twilio has already confirmed.
    const confirm = !optOutType && !wasOptedOut;
    return confirm ? answer([texts.optedOut()]) : [];
  }
  if (keyword === 'START' || keyword === 'opt_in') {
    await setOptOut(ctx, phone, false, optOutType ? 'twilio' : 'keyword');
    return optOutType ? [] : answer([texts.optedIn()]);
  }
  if (keyword === 'HELP' || keyword === 'help') return optOutType ? [] : answer([texts.help()]);

  if (!target) {
    // A follow-up not sent yet has asked nothing: the number is told it will be asked, not that a
    // survey it never saw has ended.
    const pending = newest.find((f) => f.state === 'scheduled' || f.state === 'sending');
    if (pending) {
      const own = followUpTexts[pending.language];
      return answer([own.notYetAsked(pending.ticketRef)]);
    }
    const last = newest[0];
    if (last)
      return answer([
        last.state === 'completed'
          ? texts.alreadyAnswered(last.ticketRef)
          : last.sentAt
            ? texts.closedOrExpired(last.ticketRef)
            : // Never sent (skipped by the contact policy, cancelled before its time): nothing ended.
              texts.unknownNumber(),
      ]);
    // Nothing about an unknown sender is kept beyond a count, and a keyed hash of the number for a
    // day: it is told once, so ten messages from it cost one answer, not ten (or twenty).
    await ctx.redis.incr(`${ctx.config.queuePrefix}:stats:inbound_unknown`);
    const key = `${ctx.config.queuePrefix}:unknown-told:${numberTag(ctx, phone)}`;
    const firstToday = (await ctx.redis.set(key, '1', 'EX', 86_400, 'NX')) === 'OK';
    return firstToday ? answer([followUpTexts.ar.unknownNumber(), followUpTexts.en.unknownNumber()]) : [];
  }
  out.followUpId = target._id.toString();
  try {
    await FollowUpMessage.create({
      _id: sid,
      followUpId: target._id.toString(),
      direction: 'inbound',
      kind: 'reply',
      channel,
      sid,
      body: body.slice(0, 1600),
    });
  } catch (err) {
    // Stored by an earlier attempt of this job, which may have died before applying it: the
    // follow-up's own record of applied answers (applyAnswer) decides, so it counts once.
    if (!isDuplicateKey(err)) throw err;
  }
  // A language's name: the conversation goes on in that language, its question asked again in it.
  const switched =
    reply.kind === 'language' && !tapped ? await switchLanguage(ctx, target, reply.value) : undefined;
  if (switched) count('language', switched.asked);
  // Read against the question as stored when the answer is written: if another message moved the
  // conversation on first, the same words are read again for the new question.
  let used: { asked: Question; input: ConversationInput } | undefined;
  const inputFor = (current: FollowUpDoc): ConversationInput => {
    const now = conversationOf(current)?.state;
    const asked = now ? questionOf(now) : undefined;
    if (asked === undefined) return { kind: 'unclear', text: body };
    const parsed =
      asked === question || tapped ? reply : parseReply(body, asked, citizenLanguageOf(current.language));
    // A keyword or a language's name that reaches the conversation (a language without texts) answers nothing.
    const input: ConversationInput =
      parsed.kind === 'opt_out' ||
      parsed.kind === 'opt_in' ||
      parsed.kind === 'help' ||
      parsed.kind === 'language'
        ? { kind: 'unclear', text: body }
        : parsed;
    used = { asked, input };
    return input;
  };
  const result: { replies: SaidKey[] } = switched
    ? { replies: [switched.ask] }
    : await applyAnswer(ctx, target, inputFor, channel, { answerId: sid }).then((r) => {
        if (r.applied && used) count(readingOf(used.input, used.asked, r.replies), used.asked);
        return r;
      });
  const targetLang: CitizenLanguage = switched?.language ?? target.language;
  const targetTexts = followUpTexts[targetLang];
  // The agency's own words for the reasons, read only when the reason is being asked.
  const labels = result.replies.includes('askReason')
    ? await reasonLabels(ctx.models, target.agency, targetLang)
    : undefined;
  const reasons = labels && !isBuiltIn(labels, targetLang) ? labels : undefined;
  const replies = result.replies.map((key) => replyText(targetTexts, key, target.ticketRef, reasons));
  if (open.length > 1 && replies.length > 0)
    replies[replies.length - 1] += ` ${targetTexts.appliedTo(target.ticketRef)}`;
  // A message that found the conversation over by the time it applied (fifty sent at once) is
  // answered as the "nothing open" path answers, and capped as that is: the conversation no longer
  // bounds how often it is said.
  const over = result.replies.length > 0 && result.replies.every((k) => k === 'alreadyAnswered');
  return over ? answer(replies) : replies;
}

const KEYWORD_READING = { STOP: 'opt_out', START: 'opt_in', HELP: 'help' } as const;

/** What came of a reply the conversation took, as verisat_reply_readings_total names it. */
function readingOf(input: ConversationInput, asked: Question, replies: readonly ReplyKey[]): string {
  if (replies.some((k) => k.startsWith('clarify'))) return 'clarified';
  if (input.kind === 'unclear' || input.kind !== asked) return 'unclear';
  if (input.kind === 'solved') return input.value ? 'solved' : 'not_solved';
  return input.kind;
}

/** The catalogue in a citizen language, when the texts are written in it. */
function textsIn(lang: CitizenLanguage): FollowUpTexts | undefined {
  return (followUpTexts as Partial<Record<CitizenLanguage, FollowUpTexts>>)[lang];
}

/**
 * Stores the language a citizen asked for by name, when the texts exist in it, and names the question
 * to ask again in it: the one asked as stored, which another message may have moved on. One
 * conditional write on an open conversation; a closed one is left as it is (undefined).
 */
async function switchLanguage(
  ctx: AppContext,
  target: FollowUpDoc,
  language: CitizenLanguage,
): Promise<{ language: CitizenLanguage; asked: Question; ask: SaidKey } | undefined> {
  if (!textsIn(language)) return undefined;
  const now = await ctx.models.FollowUp.findOneAndUpdate(
    { _id: target._id, state: { $in: [...AWAITING_STATES, 'sending'] } },
    { $set: { language } },
    { returnDocument: 'after' },
  ).lean<FollowUpDoc>();
  const stage = now ? conversationOf(now)?.state : undefined;
  const asked = stage ? questionOf(stage) : undefined;
  return asked ? { language, asked, ask: ASK_AGAIN[asked] } : undefined;
}

/** A keyed hash of a number, for Redis keys that must not name it. */
function numberTag(ctx: AppContext, phone: string): string {
  return createHmac('sha256', ctx.config.followUp.answerLinkSecret)
    .update(phone)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The replies, or none once the number has had its automatic answers for the local day. HELP,
 * START, STOP/START pairs and texts with nothing open would otherwise each be answered every time,
 * at our cost, as often as anyone cares to send them. Answers that move an open conversation are
 * not counted: the conversation bounds those itself (one clarification, one comment acknowledged).
 * One INCR per answer, with its expiry in the same MULTI, so no counter is left without one.
 */
async function capped(ctx: AppContext, phone: string, replies: string[]): Promise<string[]> {
  const cap = ctx.config.followUp.autoRepliesPerDay;
  if (replies.length === 0) return replies;
  if (cap === 0) return [];
  const day = DateTime.now().setZone(ctx.config.timeZone).toISODate() ?? 'day';
  const key = `${ctx.config.queuePrefix}:auto-replies:${day}:${numberTag(ctx, phone)}`;
  // Two days: the key names its day, so it only has to outlive it wherever the day is counted from.
  const results = await ctx.redis
    .multi()
    .incr(key)
    .expire(key, 2 * 86_400)
    .exec();
  const [counted, expiry] = results ?? [];
  const failure = counted?.[0] ?? expiry?.[0] ?? (results ? undefined : new Error('transaction aborted'));
  if (failure) throw new Error(`counting automatic answers failed: ${failure.message}`, { cause: failure });
  if (Number(counted?.[1]) <= cap) return replies;
  ctx.log.info({ cap }, 'automatic answer withheld: the number reached its daily cap');
  return [];
}

/**
 * Our template's buttons answer "solved?"; an unknown payload (an old template, a forged post) is
 * read as the text the citizen saw on the button, so it is treated like any unclear reply.
 */
function buttonAnswer(payload: string): ParsedReply | undefined {
  if (payload === FOLLOW_UP_BUTTONS.solved) return { kind: 'solved', value: true };
  if (payload === FOLLOW_UP_BUTTONS.notSolved) return { kind: 'solved', value: false };
  return undefined;
}

/** The number's follow-ups, newest first (by send time, then creation), at most 20. */
async function followUpsOf(ctx: AppContext, phone: string): Promise<FollowUpDoc[]> {
  // Served by the { citizenPhone, state, sentAt } index; an unknown sender costs one empty probe.
  return ctx.models.FollowUp.find({ citizenPhone: phone })
    .sort({ sentAt: -1, createdAt: -1 })
    .limit(20)
    .lean<FollowUpDoc[]>();
}
