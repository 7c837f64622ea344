import { z } from 'zod';
import { area, checkedBy } from './area.js';
import { contactPolicy } from './contact-policy.js';
import { checkDays, parseHours, parseSendDays } from './send-window-text.js';
import { SANDBOX_TEMPLATES } from './twilio.js';
import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../i18n/languages.js';

const FOLLOWUP_CHANNEL_NAMES = ['sms', 'whatsapp', 'voice'] as const;
type FollowUpChannelName = (typeof FOLLOWUP_CHANNEL_NAMES)[number];
type Templates = Partial<Record<CitizenLanguage, string>>;

/** Signs answer links in development and tests only; public, so live mode refuses it. */
const DEVELOPMENT_ANSWER_LINK_SECRET = 'development-only-answer-link-secret-0000';

/** The secret answer links are signed with; development's public one when none is set. */
export function answerLinkSecretOf(raw: string | undefined): string {
  return raw ?? DEVELOPMENT_ANSWER_LINK_SECRET;
}

/** `ar:HX…,en:HX…,ur:HX…`: an approved WhatsApp template (Content SID) per citizen language. */
const templateList = z.string().transform((v, c): Templates => {
  const out: Templates = {};
  for (const part of v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-z]{2,3}):(HX[0-9a-fA-F]{32})$/.exec(part);
    const lang = CITIZEN_LANGUAGES.find((l) => l === m?.[1]);
    if (!m || !lang) {
      c.addIssue({
        code: 'custom',
        message: `"${part}" is not language:ContentSid (ar:HX…, en:HX…; languages ${CITIZEN_LANGUAGES.join(' ')})`,
      });
      return z.NEVER;
    }
    out[lang] = m[2];
  }
  return out;
});

const HOURS = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

/** Closure verification: when a citizen is asked, on which channels, how answers are taken. */
export const followUp = area(
  {
    FOLLOWUP_DELAY_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(72),
    /** Closures older than this when they would be asked are not asked (unset: the delay + 72 h). */
    FOLLOWUP_MAX_AGE_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 3660)
      .optional(),
    SEND_WINDOW: z
      .string()
      .regex(HOURS, { message: 'HH:MM-HH:MM, e.g. 09:00-21:00', abort: true })
      .superRefine(checkedBy(parseHours))
      .default('09:00-21:00'),
    SEND_DAYS: z
      .string()
      .superRefine(checkedBy((v) => checkDays(parseSendDays(v), `send days "${v}"`)))
      .default('all'),
    REMINDER_AFTER_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24),
    EXPIRE_AFTER_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(168),
    FOLLOWUP_CHANNELS: z
      .string()
      .default('sms')
      .transform((v, c) => {
        const list = v
          .split(',')
          .map((x) => x.trim().toLowerCase())
          .filter(Boolean);
        const bad = list.filter((x) => !(FOLLOWUP_CHANNEL_NAMES as readonly string[]).includes(x));
        if (list.length === 0 || bad.length > 0 || new Set(list).size !== list.length) {
          c.addIssue({
            code: 'custom',
            message: 'a comma-separated order of sms, whatsapp, voice, each once',
          });
          return z.NEVER;
        }
        return list as FollowUpChannelName[];
      }),
    CHANNEL_WAIT_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 14)
      .default(24),
    WHATSAPP_TEMPLATES: templateList.optional(),
    WHATSAPP_RESUME_TEMPLATES: templateList.optional(),
    SMS_RATE_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(10),
    FOLLOWUP_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
    ANSWER_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ANSWER_LINK_TTL_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 90)
      .default(24 * 14),
    ANSWER_PAGE_GUESSES: z.coerce.number().int().min(1).max(100_000).default(30),
    AUTO_REPLIES_PER_DAY: z.coerce.number().int().min(0).max(1000).default(5),
    RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    DISPUTE_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
    DISPUTE_WEBHOOK_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    INBOUND_ORDER_MAX_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    ...contactPolicy.variables,
  },
  (e, at, report) => {
    // Whatever NODE_ENV says: live credentials mean real citizens get links, and a link signed with a
    // secret anyone can read in this repository can be forged for any follow-up.
    if (at.exposed && e.ANSWER_LINK_SECRET === undefined) {
      report(
        'ANSWER_LINK_SECRET',
        'required in production and with live Twilio credentials (signs the answer links sent to citizens)',
      );
    }
    if (at.twilioMode === 'live' && e.ANSWER_LINK_SECRET === DEVELOPMENT_ANSWER_LINK_SECRET)
      report('ANSWER_LINK_SECRET', 'the public development secret cannot sign live answer links');
    // The stand-in's template SIDs mean nothing at Twilio: live mode uses only the ones it is given.
    const templates = (given: Templates | undefined, sandbox: Templates): Templates =>
      given ?? (at.twilioMode === 'live' ? {} : { ...sandbox });
    return {
      followUp: {
        delayHours: e.FOLLOWUP_DELAY_HOURS,
        /**
         * The oldest a closure may be when it is asked; older ones are counted "too old to ask". Null:
         * each agency's own delay plus MAX_AGE_MARGIN_HOURS (followup/agency-rules.ts).
         */
        maxAgeHours: e.FOLLOWUP_MAX_AGE_HOURS ?? null,
        sendWindow: e.SEND_WINDOW,
        sendDays: e.SEND_DAYS,
        reminderAfterHours: e.REMINDER_AFTER_HOURS,
        expireAfterHours: e.EXPIRE_AFTER_HOURS,
        /** The channel order of an agency the directory does not configure (followup/channels/plan.ts). */
        channels: e.FOLLOWUP_CHANNELS,
        /** How long an unanswered channel waits before the next one is tried. */
        channelWaitHours: e.CHANNEL_WAIT_HOURS,
        /** Approved WhatsApp templates (Content SIDs) per language: the question, and the link to go on. */
        whatsappTemplates: templates(e.WHATSAPP_TEMPLATES, SANDBOX_TEMPLATES.followUp),
        whatsappResumeTemplates: templates(e.WHATSAPP_RESUME_TEMPLATES, SANDBOX_TEMPLATES.resume),
        smsRatePerSecond: e.SMS_RATE_PER_SECOND,
        /**
         * Follow-up jobs one worker process runs at once. Sends wait on Twilio most of their time, and
         * the sends in flight together share their database commands (followup/send/send-batches.ts).
         */
        concurrency: e.FOLLOWUP_CONCURRENCY,
        // Development and tests only: production refuses to start without a real secret (above).
        answerLinkSecret: at.answerLinkSecret,
        /** Invalid answer links one address may try in 15 minutes before the page answers 429. */
        answerPageGuesses: e.ANSWER_PAGE_GUESSES,
        /** Automatic answers outside a conversation (HELP, START, "nothing open"…) one number gets a day. */
        autoRepliesPerDay: e.AUTO_REPLIES_PER_DAY,
        answerLinkTtlHours: e.ANSWER_LINK_TTL_HOURS,
        /** First retry delay of a failed send (doubles each attempt). */
        retryBaseMs: e.RETRY_BASE_MS,
        disputeRetryBaseMs: e.DISPUTE_RETRY_BASE_MS,
        /**
         * How long a dispute webhook waits after "not solved" for the rating and reason the citizen is
         * giving; it goes at once when the conversation ends, and with what is known after this.
         */
        disputeGraceMs: e.DISPUTE_WEBHOOK_GRACE_SECONDS * 1000,
        /**
         * The longest a reply waits for an earlier reply of its number still pending; past it, it is
         * applied anyway (conversation/inbound.ts). Longer than one retry of a failed job (RETRY_BASE_MS).
         */
        inboundOrderWaitMs: e.INBOUND_ORDER_MAX_WAIT_SECONDS * 1000,
        policy: contactPolicy.build(e, at, report),
      },
    };
  },
);
