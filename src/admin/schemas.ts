import { z } from 'zod';
import { parseSendWindow } from '../followup/schedule/send-window.js';
import { REASONS } from '../followup/conversation/reply-parser.js';

/** Validation shared by the administration API and pages (one schema, the same errors in both). */

/** The same pattern ticket events use, so a code set up here is one a ticket system can send. */
export const codeSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a code: 1–64 letters, digits, . _ - (starting with a letter or digit)',
  );

/** Text a person reads: no control or bidirectional-override characters, no markup delimiters. */
export const textSchema = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine(
      // eslint-disable-next-line no-control-regex -- control characters are what this refuses
      (s) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069<>]/.test(s),
      'contains < > or control characters',
    );

const requiredText = (max: number) => textSchema(max).min(1, 'required');

export const localizedSchema = z.object({ ar: requiredText(200), en: requiredText(200) }).strict();
const optionalLocalized = z
  .object({ ar: textSchema(200), en: textSchema(200) })
  .partial()
  .strict();

export const CHANNELS = ['sms', 'whatsapp', 'voice'] as const;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');

/**
 * `{ start, end }`, or "HH:MM-HH:MM" as the agency is shown (GET, the CSV export), so a client can
 * send back what it read.
 */
const sendWindowSchema = z.preprocess(
  (v) => {
    const m = typeof v === 'string' ? /^\s*([^\s-]*)\s*-\s*([^\s-]*)\s*$/.exec(v) : null;
    return m ? { start: m[1], end: m[2] } : v;
  },
  z
    .object({ start: clock, end: clock })
    .strict()
    .refine((w) => w.end > w.start, { message: 'the window must end after it starts', path: ['end'] }),
);

export const agencyFields = {
  name: localizedSchema,
  publicName: optionalLocalized.optional(),
  channels: z
    .array(z.enum(CHANNELS))
    .min(1, 'at least one channel')
    .refine((c) => new Set(c).size === c.length, 'each channel once'),
  sender: z
    .object({
      sms: z
        .string()
        .trim()
        .regex(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'an E.164 number or an alphanumeric id of up to 11')
        .optional(),
      whatsapp: z
        .string()
        .trim()
        .regex(/^whatsapp:\+[1-9]\d{6,14}$/, 'whatsapp:+E164')
        .optional(),
    })
    .strict()
    .optional(),
  channelWaitHours: z
    .number()
    .min(0)
    .max(24 * 14)
    .optional(),
  defaultLanguage: z.enum(['ar', 'en']).optional(),
  whatsappTemplates: z
    .object({
      ar: z
        .string()
        .regex(/^HX[0-9a-fA-F]{32}$/, 'a Content SID (HX…)')
        .optional(),
      en: z
        .string()
        .regex(/^HX[0-9a-fA-F]{32}$/, 'a Content SID (HX…)')
        .optional(),
    })
    .strict()
    .optional(),
  followUpDelayHours: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  followUpMaxAgeHours: z
    .number()
    .min(1)
    .max(24 * 3660)
    .optional(),
  sendWindow: sendWindowSchema.optional(),
  /** Days the agency has to act on a disputed closure (followup/outcome/dispute-follow.ts). */
  disputeActDays: z.number().int().min(1).max(90).optional(),
  sendDays: z
    .string()
    .trim()
    .max(60)
    .refine((d) => {
      try {
        parseSendWindow('09:00-21:00', d, 'UTC');
        return true;
      } catch {
        return false;
      }
    }, 'weekday names or ranges such as sun-thu, or all')
    .optional(),
  reasons: z
    .array(z.object({ code: z.enum(REASONS), ar: requiredText(120), en: requiredText(120) }).strict())
    .refine((r) => new Set(r.map((x) => x.code)).size === r.length, 'each reason once')
    .optional(),
  disputeWebhookUrl: z.string().trim().max(2000).optional(),
  answerWebhookUrl: z.string().trim().max(2000).optional(),
};

export const newAgencySchema = z
  .object({ code: codeSchema, ...agencyFields, channels: agencyFields.channels.default(['sms']) })
  .strict();
export const agencyPatchSchema = z
  .object({ ...agencyFields, revision: z.number().int().min(0).optional() })
  .partial()
  .strict();

export type AgencyPatch = z.infer<typeof agencyPatchSchema>;

export const newDepartmentSchema = z.object({ code: codeSchema, name: localizedSchema }).strict();
export const departmentPatchSchema = z
  .object({ name: localizedSchema, revision: z.number().int().min(0).optional() })
  .partial()
  .strict();

export const agentFields = {
  department: codeSchema,
  displayName: requiredText(120),
  dialTarget: z
    .string()
    .trim()
    .regex(/^(\+?[0-9 ()-]{5,20}|sip:[^\s<>"]{3,200})$/, 'a phone number or a sip: address')
    .optional(),
  staffPhones: z.array(z.string().trim().min(3).max(32)).max(10, 'at most 10 numbers').optional(),
};
export const newAgentSchema = z.object({ agentId: codeSchema, ...agentFields }).strict();
export const agentPatchSchema = z
  .object({ ...agentFields, revision: z.number().int().min(0).optional() })
  .partial()
  .strict();
